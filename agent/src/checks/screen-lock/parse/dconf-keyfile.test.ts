import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { fixtureText } from "../../../testing/fixtures.js";
import { dconfValue, parseDconfKeyfile, parseKeyfile } from "./dconf-keyfile.js";
import { gvariantBoolean, gvariantCount, parseGVariant } from "./gsettings-gvariant.js";

const D = "linux/dconf/";
const S = "linux/dconf-system/";

const count = (dirs: Map<string, Map<string, string>>, path: string) =>
  gvariantCount(parseGVariant(dconfValue(dirs, path) ?? "", path), path);

describe("parseDconfKeyfile on dconf dump output", () => {
  it("places relative section names under the dumped path (debian-12-container-lax-user-dump-gnome-desktop.ini)", () => {
    const dirs = parseDconfKeyfile(
      fixtureText(`${D}debian-12-container-lax-user-dump-gnome-desktop.ini`),
      "dconf dump",
      "/org/gnome/desktop/",
    );
    expect([...dirs.keys()]).toEqual(["/org/gnome/desktop/screensaver/", "/org/gnome/desktop/session/"]);
    expect(count(dirs, "/org/gnome/desktop/screensaver/lock-delay")).toBe(3600);
    expect(dconfValue(dirs, "/org/gnome/desktop/screensaver/lock-enabled")).toBe("false");
    expect(count(dirs, "/org/gnome/desktop/session/idle-delay")).toBe(0);
  });

  it("shows the effective locked values without any marker (debian-12-container-locked-policy-over-lax-user-dump-gnome-desktop.ini)", () => {
    const text = fixtureText(`${D}debian-12-container-locked-policy-over-lax-user-dump-gnome-desktop.ini`);
    expect(text).not.toMatch(/lock(?!-)/);
    const dirs = parseDconfKeyfile(text, "dconf dump", "/org/gnome/desktop/");
    expect(count(dirs, "/org/gnome/desktop/screensaver/lock-delay")).toBe(0);
    expect(dconfValue(dirs, "/org/gnome/desktop/screensaver/lock-enabled")).toBe("true");
    expect(count(dirs, "/org/gnome/desktop/session/idle-delay")).toBe(600);
  });

  it("reads the same locked idle delay as dconf read (debian-12-container-locked-policy-over-lax-user.read-idle-delay.txt)", () => {
    const read = fixtureText(`${D}debian-12-container-locked-policy-over-lax-user.read-idle-delay.txt`);
    expect(gvariantCount(parseGVariant(read, "dconf read"), "dconf read")).toBe(600);
  });

  it("reads a fresh user's empty dump as nothing set (debian-12-container-fresh-user-dump-gnome-desktop-empty.ini)", () => {
    const text = fixtureText(`${D}debian-12-container-fresh-user-dump-gnome-desktop-empty.ini`);
    expect(text).toBe("");
    expect(parseDconfKeyfile(text, "dconf dump", "/org/gnome/desktop/").size).toBe(0);
  });

  it("reads a Cinnamon root dump (debian-12-container-cinnamon-lax-user-dump-root.ini)", () => {
    const dirs = parseDconfKeyfile(fixtureText(`${D}debian-12-container-cinnamon-lax-user-dump-root.ini`), "dconf dump /");
    expect(gvariantBoolean(parseGVariant(dconfValue(dirs, "/org/cinnamon/desktop/screensaver/lock-enabled") ?? "", "x"), "x")).toBe(false);
    expect(count(dirs, "/org/cinnamon/desktop/session/idle-delay")).toBe(1800);
  });

  it.each([
    { file: "debian-gnome-dconf-dump-idle-300.ini", sections: 46, idle: 300 },
    { file: "debian-sid-dconf-dump-idle-600.ini", sections: 13, idle: 600 },
    { file: "gnome-dconf-dump-idle-0-never.ini", sections: 107, idle: 0 },
  ])("reads every section of $file and its idle-delay $idle, with no lock keys", ({ file, sections, idle }) => {
    const dirs = parseDconfKeyfile(fixtureText(D + file), "dconf dump /");
    expect(dirs.size).toBe(sections);
    expect(count(dirs, "/org/gnome/desktop/session/idle-delay")).toBe(idle);
    expect(dconfValue(dirs, "/org/gnome/desktop/screensaver/lock-enabled")).toBeUndefined();
    expect(dconfValue(dirs, "/org/gnome/desktop/screensaver/lock-delay")).toBeUndefined();
  });

  it("reads the power settings next to the session (debian-sid and gnome-dconf-dump-idle-0-never)", () => {
    const sid = parseDconfKeyfile(fixtureText(`${D}debian-sid-dconf-dump-idle-600.ini`), "dconf dump /");
    expect(count(sid, "/org/gnome/settings-daemon/plugins/power/sleep-inactive-ac-timeout")).toBe(1800);
    const never = parseDconfKeyfile(fixtureText(`${D}gnome-dconf-dump-idle-0-never.ini`), "dconf dump /");
    expect(parseGVariant(dconfValue(never, "/org/gnome/settings-daemon/plugins/power/sleep-inactive-ac-type") ?? "", "x")).toMatchObject({
      value: "nothing",
    });
  });

  it("keeps very long values whole and has no session section when nothing differs (ubuntu-dconf-dump-no-session-or-lock-keys.ini)", () => {
    const text = fixtureText(`${D}ubuntu-dconf-dump-no-session-or-lock-keys.ini`);
    const dirs = parseDconfKeyfile(text, "dconf dump /");
    expect(dirs.size).toBe(49);
    expect(dirs.has("/org/gnome/desktop/session/")).toBe(false);
    expect(dconfValue(dirs, "/org/gnome/desktop/screensaver/lock-enabled")).toBeUndefined();
    const longest = Math.max(...[...dirs.values()].flatMap((keys) => [...keys.values()].map((v) => v.length)));
    expect(longest).toBeGreaterThan(2000);
    expect(dconfValue(dirs, "/org/gnome/shell/app-picker-layout")?.endsWith("]")).toBe(true);
  });
});

describe("parseDconfKeyfile on machine-wide keyfiles", () => {
  it("reads a STIG lock-delay keyfile (centos8-stig-local.d-00-lock-delay.keyfile)", () => {
    const dirs = parseDconfKeyfile(fixtureText(`${S}centos8-stig-local.d-00-lock-delay.keyfile`), "/etc/dconf/db/local.d/00-lock-delay");
    expect(count(dirs, "/org/gnome/desktop/screensaver/lock-delay")).toBe(5);
  });

  it("skips comment and trailing blank lines (centos8-stig-local.d-00-screensaver.keyfile)", () => {
    const text = fixtureText(`${S}centos8-stig-local.d-00-screensaver.keyfile`);
    expect(text).toMatch(/^# Set the lock time out/m);
    const dirs = parseDconfKeyfile(text, "/etc/dconf/db/local.d/00-screensaver");
    expect([...(dirs.get("/org/gnome/desktop/session/")?.keys() ?? [])]).toEqual(["idle-delay"]);
    expect(count(dirs, "/org/gnome/desktop/session/idle-delay")).toBe(900);
  });
});

describe("parseKeyfile", () => {
  it("keeps the [/] group for keys directly in the dumped directory", () => {
    const dirs = parseDconfKeyfile("[/]\nidle-delay=uint32 120\n", "dconf dump", "/org/gnome/desktop/session/");
    expect(dconfValue(dirs, "/org/gnome/desktop/session/idle-delay")).toBe("uint32 120");
  });

  it("trims whitespace around keys and values and merges repeated groups", () => {
    const groups = parseKeyfile("[a]\n  x = 1 \n[b]\ny=2\n[a]\nz=3\n", "kf");
    expect(Object.fromEntries(groups.get("a") ?? [])).toEqual({ x: "1", z: "3" });
  });

  it.each([
    ["a key before any group", "x=1\n[a]\n"],
    ["a line that is not a key", "[a]\njust words\n"],
    ["an unterminated header", "[a\nx=1\n"],
  ])("rejects %s", (_what, text) => {
    expect(() => parseKeyfile(text, "kf")).toThrow(ParseError);
  });

  it("never fails with anything but a ParseError on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        try {
          parseDconfKeyfile(text, "kf", "/org/");
        } catch (error) {
          expect(error).toBeInstanceOf(ParseError);
        }
      }),
    );
  });
});
