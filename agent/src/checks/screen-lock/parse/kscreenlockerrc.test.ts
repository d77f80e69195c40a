import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { fixtureText } from "../../../testing/fixtures.js";
import { daemonGroupImmutable, kscreenlockerDaemon, parseKConfig } from "./kscreenlockerrc.js";

const K = "linux/kscreenlockerrc/";

const daemonOf = (file: string) => {
  const d = kscreenlockerDaemon(parseKConfig(fixtureText(K + file), file));
  return { autolock: d.autolock?.value, timeout: d.timeoutMinutes?.value, grace: d.lockGraceSeconds?.value };
};

describe("kscreenlockerDaemon", () => {
  it.each([
    { file: "kde-autolock-false-lockgrace-0-timeout-10.kscreenlockerrc", expected: { autolock: false, timeout: 10, grace: 0 } },
    { file: "kde-autolock-false-only.kscreenlockerrc", expected: { autolock: false, timeout: undefined, grace: undefined } },
    { file: "kde-autolock-true-timeout-10min.kscreenlockerrc", expected: { autolock: true, timeout: 10, grace: undefined } },
    { file: "kde-lockgrace-45s-other-defaults.kscreenlockerrc", expected: { autolock: undefined, timeout: undefined, grace: 45 } },
    { file: "kde-no-daemon-section-all-defaults.kscreenlockerrc", expected: { autolock: undefined, timeout: undefined, grace: undefined } },
    { file: "kde-timeout-15min-autolock-default.kscreenlockerrc", expected: { autolock: undefined, timeout: 15, grace: undefined } },
  ])("reads what $file sets in [Daemon] (unset keys stay undefined, for the KDE default)", ({ file, expected }) => {
    expect(daemonOf(file)).toEqual(expected);
  });

  it("keeps nested groups apart from [Daemon] (kde-lockgrace-45s-other-defaults.kscreenlockerrc)", () => {
    const file = parseKConfig(fixtureText(`${K}kde-lockgrace-45s-other-defaults.kscreenlockerrc`), "rc");
    expect([...file.groups.keys()]).toEqual(["$Version", "Daemon", "Greeter", "Greeter][Wallpaper][org.kde.image][General"]);
    expect(file.groups.get("Greeter][Wallpaper][org.kde.image][General")?.entries.get("Image")?.value).toMatch(/^file:\/\//);
  });

  it("starts with a [$Version] group, not a file-wide lock (kde-timeout-15min-autolock-default.kscreenlockerrc)", () => {
    const file = parseKConfig(fixtureText(`${K}kde-timeout-15min-autolock-default.kscreenlockerrc`), "rc");
    expect(file.immutable).toBe(false);
    expect(file.groups.has("$Version")).toBe(true);
  });
});

describe("parseKConfig kiosk flags", () => {
  it.each([
    ["a file-wide [$i]", "[$i]\n[Daemon]\nTimeout=5\n", { file: true, group: true, key: true }],
    ["an immutable group", "[Daemon][$i]\nTimeout=5\n", { file: false, group: true, key: true }],
    ["an immutable key", "[Daemon]\nTimeout[$i]=5\nAutolock=true\n", { file: false, group: false, key: true }],
    ["no flag", "[Daemon]\nTimeout=5\n", { file: false, group: false, key: false }],
  ])("reads %s", (_what, text, expected) => {
    const file = parseKConfig(text, "rc");
    expect(file.immutable).toBe(expected.file);
    expect(daemonGroupImmutable(file)).toBe(expected.group);
    expect(kscreenlockerDaemon(file).timeoutMinutes?.immutable).toBe(expected.key);
  });

  it("reads KConfig's boolean spellings and leaves invalid values unset, as KDE does", () => {
    expect(kscreenlockerDaemon(parseKConfig("[Daemon]\nAutolock=off\nTimeout=ten\n", "rc"))).toMatchObject({
      autolock: { value: false },
      timeoutMinutes: undefined,
    });
  });

  it("skips localised variants of a key", () => {
    expect(kscreenlockerDaemon(parseKConfig("[Daemon]\nTimeout[de]=1\nTimeout=7\n", "rc")).timeoutMinutes?.value).toBe(7);
  });

  it.each(["[Daemon\nTimeout=5", "[Daemon]\nnot a key line", "[Daemon]\n=5"])("rejects malformed text %j", (text) => {
    expect(() => parseKConfig(text, "rc")).toThrow(ParseError);
  });

  it("never fails with anything but a ParseError on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        try {
          kscreenlockerDaemon(parseKConfig(text, "rc"));
        } catch (error) {
          expect(error).toBeInstanceOf(ParseError);
        }
      }),
    );
  });
});
