import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { fixtureText } from "../../../testing/fixtures.js";
import { parseGsettingsGet, parseGsettingsListRecursively, parseGsettingsWritable } from "./gsettings.js";
import { gvariantBoolean, gvariantCount, parseGVariant } from "./gsettings-gvariant.js";

const G = "linux/gsettings/";

describe("parseGVariant", () => {
  it.each([
    ["uint32 300", { kind: "number", value: 300 }],
    ["int32 -1", { kind: "number", value: -1 }],
    ["-1", { kind: "number", value: -1 }],
    ["2.5", { kind: "number", value: 2.5 }],
    ["byte 0x10", { kind: "number", value: 16 }],
    ["true", { kind: "boolean", value: true }],
    ["false", { kind: "boolean", value: false }],
    ["'solid'", { kind: "string", value: "solid" }],
    ["''", { kind: "string", value: "" }],
    ['"it\'s"', { kind: "string", value: "it's" }],
    ["'a\\'b\\nc'", { kind: "string", value: "a'b\nc" }],
    ["'%A %B %e'", { kind: "string", value: "%A %B %e" }],
    ["'\\u00e9t\\u00e9'", { kind: "string", value: "été" }],
    ["@as []", { kind: "other" }],
    ["['org.gnome.Weather.desktop']", { kind: "other" }],
    ["@ms nothing", { kind: "other" }],
    ["(0, 'x')", { kind: "other" }],
  ])("reads %j", (text, expected) => {
    expect(parseGVariant(text, "test")).toMatchObject(expected);
  });

  it.each(["", "   ", "uint32", "hello", "'unterminated", "'a' trailing"])("rejects %j", (text) => {
    expect(() => parseGVariant(text, "test")).toThrow(ParseError);
  });

  it("insists on the type the key has", () => {
    expect(() => gvariantCount(parseGVariant("'300'", "t"), "t")).toThrow(ParseError);
    expect(() => gvariantCount(parseGVariant("-5", "t"), "t")).toThrow(ParseError);
    expect(() => gvariantBoolean(parseGVariant("uint32 1", "t"), "t")).toThrow(ParseError);
    expect(gvariantCount(parseGVariant("uint32 600", "t"), "t")).toBe(600);
  });

  it("never fails with anything but a ParseError on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          parseGVariant(text, "t");
        } catch (error) {
          expect(error).toBeInstanceOf(ParseError);
        }
      }),
    );
  });
});

describe("parseGsettingsGet", () => {
  it.each([
    ["debian-12-container-gnome-defaults.get-idle-delay.txt", 300],
    ["debian-12-container-lax-user.get-idle-delay.txt", 0],
    ["debian-12-container-locked-policy-over-lax-user.get-idle-delay.txt", 600],
    ["debian-12-container-cinnamon-defaults.get-session-idle-delay.txt", 900],
    ["debian-12-container-cinnamon-lax-user.get-session-idle-delay.txt", 1800],
  ])("reads the idle delay in seconds from %s", (file, seconds) => {
    const value = parseGsettingsGet(fixtureText(G + file), "gsettings get");
    expect(value.text.startsWith("uint32 ")).toBe(true);
    expect(gvariantCount(value, "gsettings get")).toBe(seconds);
  });

  it.each([
    ["debian-12-container-gnome-defaults.get-lock-enabled.txt", true],
    ["debian-12-container-lax-user.get-lock-enabled.txt", false],
    ["debian-12-container-locked-policy-over-lax-user.get-lock-enabled.txt", true],
    ["debian-12-container-cinnamon-lax-user.get-screensaver-lock-enabled.txt", false],
  ])("reads lock-enabled from %s", (file, enabled) => {
    expect(gvariantBoolean(parseGsettingsGet(fixtureText(G + file), "gsettings get"), "gsettings get")).toBe(enabled);
  });

  it("rejects output with more than one value", () => {
    expect(() => parseGsettingsGet("true\nfalse\n", "gsettings get")).toThrow(ParseError);
    expect(() => parseGsettingsGet("", "gsettings get")).toThrow(ParseError);
  });
});

describe("parseGsettingsWritable", () => {
  it("reads a key locked by machine policy as not writable (debian-12-container-locked-policy-over-lax-user.writable-idle-delay.txt)", () => {
    expect(parseGsettingsWritable(fixtureText(`${G}debian-12-container-locked-policy-over-lax-user.writable-idle-delay.txt`), "w")).toBe(
      false,
    );
  });

  it("reads true and rejects anything else", () => {
    expect(parseGsettingsWritable("true\n", "w")).toBe(true);
    expect(() => parseGsettingsWritable("yes\n", "w")).toThrow(ParseError);
  });
});

describe("parseGsettingsListRecursively", () => {
  const byKey = (file: string) =>
    new Map(parseGsettingsListRecursively(fixtureText(G + file), "list").map((e) => [`${e.schema} ${e.key}`, e.value]));

  it("reads the GNOME screensaver defaults: 17 keys (debian-12-container-gnome-defaults.list-recursively-screensaver.txt)", () => {
    const keys = byKey("debian-12-container-gnome-defaults.list-recursively-screensaver.txt");
    expect(keys.size).toBe(17);
    expect(keys.get("org.gnome.desktop.screensaver lock-enabled")).toMatchObject({ kind: "boolean", value: true });
    expect(keys.get("org.gnome.desktop.screensaver lock-delay")).toMatchObject({ kind: "number", value: 0, text: "uint32 0" });
    expect(keys.get("org.gnome.desktop.screensaver idle-activation-enabled")).toMatchObject({ value: true });
    expect(keys.get("org.gnome.desktop.screensaver logout-delay")).toMatchObject({ value: 7200 });
  });

  it("reads the lax user's screensaver keys (debian-12-container-lax-user.list-recursively-screensaver.txt)", () => {
    const keys = byKey("debian-12-container-lax-user.list-recursively-screensaver.txt");
    expect(keys.get("org.gnome.desktop.screensaver lock-enabled")).toMatchObject({ value: false });
    expect(keys.get("org.gnome.desktop.screensaver lock-delay")).toMatchObject({ value: 3600 });
    expect(keys.get("org.gnome.desktop.screensaver picture-options")).toMatchObject({ value: "zoom" });
  });

  it("reads the locked values that are byte-identical to the defaults (debian-12-container-locked-policy-over-lax-user.list-recursively-screensaver.txt)", () => {
    const locked = fixtureText(`${G}debian-12-container-locked-policy-over-lax-user.list-recursively-screensaver.txt`);
    expect(locked).toBe(fixtureText(`${G}debian-12-container-gnome-defaults.list-recursively-screensaver.txt`));
    const keys = byKey("debian-12-container-locked-policy-over-lax-user.list-recursively-screensaver.txt");
    expect(keys.get("org.gnome.desktop.screensaver lock-enabled")).toMatchObject({ value: true });
    expect(keys.get("org.gnome.desktop.screensaver lock-delay")).toMatchObject({ value: 0 });
  });

  it("reads the GNOME session schema (debian-12-container-gnome-defaults.list-recursively-session.txt)", () => {
    const keys = byKey("debian-12-container-gnome-defaults.list-recursively-session.txt");
    expect(keys.get("org.gnome.desktop.session idle-delay")).toMatchObject({ value: 300 });
    expect(keys.get("org.gnome.desktop.session session-name")).toMatchObject({ value: "gnome" });
  });

  it("reads Cinnamon's 27 keys with % formats and a negative int (debian-12-container-cinnamon-defaults.list-recursively-screensaver.txt)", () => {
    const keys = byKey("debian-12-container-cinnamon-defaults.list-recursively-screensaver.txt");
    expect(keys.size).toBe(27);
    expect(keys.get("org.cinnamon.desktop.screensaver lock-enabled")).toMatchObject({ value: true });
    expect(keys.get("org.cinnamon.desktop.screensaver lock-delay")).toMatchObject({ value: 0 });
    expect(keys.get("org.cinnamon.desktop.screensaver idle-activation-enabled")).toMatchObject({ value: true });
    expect(keys.get("org.cinnamon.desktop.screensaver layout-group")).toMatchObject({ value: -1 });
    expect(keys.get("org.cinnamon.desktop.screensaver date-format")).toMatchObject({ value: "%A %B %e" });
  });

  it("does not depend on the order of the lines (older GLib prints them unsorted)", () => {
    const lines = fixtureText(`${G}debian-12-container-lax-user.list-recursively-screensaver.txt`).trim().split("\n");
    const reversed = parseGsettingsListRecursively(lines.reverse().join("\n"), "list");
    expect(reversed.find((e) => e.key === "lock-delay")?.value).toMatchObject({ value: 3600 });
  });

  it("rejects a line that is not schema, key and value", () => {
    expect(() => parseGsettingsListRecursively("org.gnome.desktop.session idle-delay\n", "list")).toThrow(ParseError);
  });
});
