import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { fixtureText } from "../../../testing/fixtures.js";
import { parseXsetQ } from "./xset.js";

const X = "linux/xset/";
const NO_DPMS = { supported: false, enabled: false, standbySeconds: undefined, suspendSeconds: undefined, offSeconds: undefined };

describe("parseXsetQ", () => {
  it.each([
    {
      file: "debian-12-container-xvfb-saver-300s.xset-q.txt",
      screenSaver: { timeoutSeconds: 300, cycleSeconds: 5, preferBlanking: true, allowExposures: true },
      dpms: NO_DPMS,
    },
    {
      file: "debian-12-container-xvfb-saver-off-noblank.xset-q.txt",
      screenSaver: { timeoutSeconds: 0, cycleSeconds: 5, preferBlanking: false, allowExposures: true },
      dpms: NO_DPMS,
    },
    {
      file: "debian-12-container-xvfb-saver-off.xset-q.txt",
      screenSaver: { timeoutSeconds: 0, cycleSeconds: 5, preferBlanking: true, allowExposures: true },
      dpms: NO_DPMS,
    },
    {
      file: "debian-12-container-xvfb-server-defaults.xset-q.txt",
      screenSaver: { timeoutSeconds: 600, cycleSeconds: 600, preferBlanking: true, allowExposures: true },
      dpms: NO_DPMS,
    },
    {
      file: "xsecurelock-screensaver-60s-dpms-disabled.partial-xset-q.txt",
      screenSaver: { timeoutSeconds: 60, cycleSeconds: 0, preferBlanking: false, allowExposures: true },
      dpms: { supported: true, enabled: false, standbySeconds: 0, suspendSeconds: 0, offSeconds: 0 },
    },
  ])("reads the screen saver and DPMS sections of $file", ({ file, screenSaver, dpms }) => {
    expect(parseXsetQ(fixtureText(X + file), "xset q")).toEqual({ screenSaver, dpms });
  });

  it("reads output without a DPMS section", () => {
    const text = "Screen Saver:\n  prefer blanking:  yes    allow exposures:  yes\n  timeout:  120    cycle:  600\n";
    expect(parseXsetQ(text, "xset q")).toEqual({
      screenSaver: { timeoutSeconds: 120, cycleSeconds: 600, preferBlanking: true, allowExposures: true },
      dpms: undefined,
    });
  });

  it("reads an enabled DPMS section", () => {
    const text =
      "Screen Saver:\n  timeout:  0    cycle:  0\nDPMS (Energy Star):\n  Standby: 600    Suspend: 600    Off: 600\n  DPMS is Enabled\n  Monitor is On\n";
    expect(parseXsetQ(text, "xset q").dpms).toEqual({
      supported: true,
      enabled: true,
      standbySeconds: 600,
      suspendSeconds: 600,
      offSeconds: 600,
    });
  });

  it.each([
    ["no Screen Saver section", "Keyboard Control:\n  auto repeat:  on\n"],
    ["no numeric timeout", "Screen Saver:\n  timeout:  off    cycle:  5\n"],
    ["an X error", 'xset:  unable to open display ":0"\n'],
  ])("rejects %s", (_what, text) => {
    expect(() => parseXsetQ(text, "xset q")).toThrow(ParseError);
  });

  it("never fails with anything but a ParseError on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        try {
          parseXsetQ(text, "xset q");
        } catch (error) {
          expect(error).toBeInstanceOf(ParseError);
        }
      }),
    );
  });
});
