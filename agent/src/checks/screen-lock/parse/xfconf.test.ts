import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { fixtureText } from "../../../testing/fixtures.js";
import { parseXfconfChannel, xfconfBoolean, xfconfInteger } from "./xfconf.js";

const X = "linux/xfce4-screensaver/";
const KEYS = [
  "/saver/enabled",
  "/saver/idle-activation/enabled",
  "/saver/idle-activation/delay",
  "/lock/enabled",
  "/lock/saver-activation/enabled",
  "/lock/saver-activation/delay",
] as const;

function screensaverKeys(file: string): Record<string, boolean | number | undefined> {
  const channel = parseXfconfChannel(fixtureText(X + file), file);
  expect(channel.name).toBe("xfce4-screensaver");
  return Object.fromEntries(
    KEYS.map((key) => [
      key,
      key.endsWith("delay") ? xfconfInteger(channel.properties.get(key), file, key) : xfconfBoolean(channel.properties.get(key), file, key),
    ]),
  );
}

describe("parseXfconfChannel", () => {
  it.each([
    {
      file: "xfce-idle-10min-no-lock-section-defaults.xml",
      expected: { "/saver/idle-activation/delay": 10 },
    },
    {
      file: "xfce-idle-30min-lock-2min-after-saver.xml",
      expected: { "/saver/enabled": true, "/saver/idle-activation/delay": 30, "/lock/saver-activation/delay": 2 },
    },
    {
      file: "xfce-idle-activation-disabled-lock-enabled.xml",
      expected: {
        "/saver/enabled": true,
        "/saver/idle-activation/enabled": false,
        "/lock/enabled": true,
        "/lock/saver-activation/enabled": true,
      },
    },
    {
      file: "xfce-saver-10min-lock-enabled-but-not-on-saver-activation.xml",
      expected: {
        "/saver/enabled": true,
        "/saver/idle-activation/delay": 10,
        "/lock/enabled": true,
        "/lock/saver-activation/enabled": false,
      },
    },
  ])("reads the screen-lock properties $file sets; the rest stay unset (defaults)", ({ file, expected }) => {
    const all = Object.fromEntries(KEYS.map((k) => [k, undefined]));
    expect(screensaverKeys(file)).toEqual({ ...all, ...expected });
  });

  it("flattens nested properties, including array and empty branches (xfce-idle-10min-no-lock-section-defaults.xml)", () => {
    const channel = parseXfconfChannel(fixtureText(`${X}xfce-idle-10min-no-lock-section-defaults.xml`), "x");
    expect(channel.properties.get("/saver")).toMatchObject({ type: "empty", value: undefined });
    expect(channel.properties.get("/saver/themes/list")).toMatchObject({ type: "array" });
    expect(channel.properties.get("/screensavers/xfce-floaters/arguments")).toMatchObject({ type: "string", value: "-n 5" });
    expect([...channel.properties.keys()].some((k) => k.startsWith("/lock"))).toBe(false);
  });

  it("reads lock attributes of a system channel", () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<channel name="xfce4-screensaver" version="1.0" locked="*" unlocked="root">
  <property name="lock" type="empty">
    <property name="enabled" type="bool" value="true" locked="@staff;alice"/>
  </property>
</channel>`;
    const channel = parseXfconfChannel(xml, "system");
    expect(channel).toMatchObject({ locked: "*", unlocked: "root" });
    expect(channel.properties.get("/lock/enabled")).toMatchObject({ value: "true", locked: "@staff;alice" });
  });

  it.each([
    ["empty text", ""],
    ["broken XML", '<channel name="x"><property name="a" type="int" value="1"></channel>'],
    ["two channels", '<channel name="a" version="1.0"/><channel name="b" version="1.0"/>'],
    ["a property without a type", '<channel name="a" version="1.0"><property name="x" value="1"/></channel>'],
  ])("rejects %s", (_what, text) => {
    expect(() => parseXfconfChannel(text, "x")).toThrow(ParseError);
  });

  it("rejects values of the wrong kind", () => {
    const channel = parseXfconfChannel('<channel name="a" version="1.0"><property name="d" type="int" value="soon"/></channel>', "x");
    expect(() => xfconfInteger(channel.properties.get("/d"), "x", "/d")).toThrow(ParseError);
    expect(() => xfconfBoolean(channel.properties.get("/d"), "x", "/d")).toThrow(ParseError);
  });

  it("refuses a declaration the XML validator lets through but the parser rejects, as a ParseError (found by fuzzing)", () => {
    expect(() => parseXfconfChannel('<?"xml version="1.0"?>\n<channel name="x" version="1.0"></channel>\n', "x")).toThrow(ParseError);
  });

  it("never fails with anything but a ParseError on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        try {
          parseXfconfChannel(text, "x");
        } catch (error) {
          expect(error).toBeInstanceOf(ParseError);
        }
      }),
    );
  });
});
