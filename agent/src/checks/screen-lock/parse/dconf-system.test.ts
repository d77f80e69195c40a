import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { isLockedBy, parseDconfLocks, parseDconfProfile } from "./dconf-system.js";

describe("parseDconfProfile", () => {
  it("lists the system databases in priority order after the user database", () => {
    const text = "# site policy\nuser-db:user\nsystem-db:local\nsystem-db:site\nsystem-db:distro\n";
    expect(parseDconfProfile(text, "/etc/dconf/profile/user")).toEqual({ userDb: "user", systemDbs: ["local", "site", "distro"] });
  });

  it("ignores service and file databases, which hold no keyfiles to read", () => {
    expect(parseDconfProfile("service-db:keyfile/user\nfile-db:/usr/share/x\nsystem-db:local", "p").systemDbs).toEqual(["local"]);
  });

  it("rejects a line that is not kind:name", () => {
    expect(() => parseDconfProfile("user-db user\n", "p")).toThrow(ParseError);
  });
});

describe("parseDconfLocks", () => {
  it("keeps only lines starting with a slash, as dconf update does", () => {
    const text =
      "# screen lock\n/org/gnome/desktop/session/idle-delay\n/org/gnome/desktop/screensaver/lock-enabled  \n  /indented/ignored\n\n";
    expect(parseDconfLocks(text)).toEqual(["/org/gnome/desktop/session/idle-delay", "/org/gnome/desktop/screensaver/lock-enabled"]);
  });
});

describe("isLockedBy", () => {
  it.each([
    [["/org/gnome/desktop/session/idle-delay"], "/org/gnome/desktop/session/idle-delay", true],
    [["/org/gnome/desktop/session/"], "/org/gnome/desktop/session/idle-delay", true],
    [["/org/gnome/desktop/session"], "/org/gnome/desktop/session/idle-delay", false],
    [["/org/gnome/desktop/session/idle-delay-extra"], "/org/gnome/desktop/session/idle-delay", false],
    [[], "/org/gnome/desktop/session/idle-delay", false],
  ])("locks %j cover %s: %s", (locks, key, expected) => {
    expect(isLockedBy(locks, key)).toBe(expected);
  });
});
