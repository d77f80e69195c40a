import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { fakeRunner } from "../../../testing/fake-runner.js";
import { fixtureText } from "../../../testing/fixtures.js";
import { HomeDirectories, parsePasswd } from "./accounts.js";
import { loadMachineDconf, machineKey } from "./dconf-machine.js";
import { desktopFamily, desktopKeys, GSETTINGS_DESKTOPS } from "./desktops.js";
import { attempt } from "./read.js";

describe("desktopFamily", () => {
  it.each([
    ["GNOME", "gnome"],
    ["ubuntu:GNOME", "gnome"],
    ["pop:GNOME", "gnome"],
    ["Budgie:GNOME", "gnome"],
    ["Unity:Unity7:ubuntu", "gnome"],
    ["X-Cinnamon", "cinnamon"],
    ["KDE", "kde"],
    ["xfce", "xfce"],
    ["XFCE", "xfce"],
    ["MATE", "mate"],
    ["i3", undefined],
    ["sway", undefined],
    [undefined, undefined],
  ])("%s -> %s", (desktop, family) => {
    expect(desktopFamily(desktop)).toBe(family);
  });
});

describe("GSETTINGS_DESKTOPS", () => {
  it("has each desktop's dconf dump directory cover all of its keys", () => {
    for (const desktop of Object.values(GSETTINGS_DESKTOPS)) {
      for (const key of desktopKeys(desktop)) expect(key.dir.startsWith(desktop.dumpDir), `${desktop.family} ${key.key}`).toBe(true);
    }
  });

  it("knows the schema defaults that differ between desktops", () => {
    expect(GSETTINGS_DESKTOPS.gnome.idleDelay.fallback).toBe(300);
    expect(GSETTINGS_DESKTOPS.cinnamon.idleDelay.fallback).toBe(900);
    expect(GSETTINGS_DESKTOPS.mate.idleDelay).toMatchObject({ fallback: 5, unitSeconds: 60 });
    expect(GSETTINGS_DESKTOPS.mate.lockDelay).toMatchObject({ fallback: 0, unitSeconds: 60 });
  });
});

describe("home directories", () => {
  const passwd = "root:x:0:0:root:/root:/bin/bash\n+::::::\nann:x:1000:1000:Ann,,,:/srv/ann/:/bin/zsh\n";

  it("parses /etc/passwd, skipping NIS compat lines", () => {
    expect(parsePasswd(passwd, "/etc/passwd")).toEqual(
      new Map([
        ["root", { uid: 0, home: "/root" }],
        ["ann", { uid: 1000, home: "/srv/ann/" }],
      ]),
    );
    expect(() => parsePasswd("ann:x:1000\n", "/etc/passwd")).toThrow(ParseError);
  });

  it.each([
    [{ "/etc/passwd": passwd }, "ann", "/srv/ann"],
    [{ "/etc/passwd": passwd }, "bob", "/home/bob"],
    [{}, "root", "/root"],
    [{ "/etc/passwd": "garbage\n" }, "ann", "/home/ann"],
  ])("finds the home of a user (%#)", async (files, user, home) => {
    expect(await new HomeDirectories(fakeRunner("linux", [], files)).of(user)).toBe(home);
  });
});

describe("machine dconf databases", () => {
  const files = {
    "/etc/dconf/profile/user": "user-db:user\nsystem-db:local\nsystem-db:site\n",
    "/etc/dconf/db/local.d/00-screensaver": fixtureText("linux/dconf-system/centos8-stig-local.d-00-screensaver.keyfile"),
    "/etc/dconf/db/local.d/00-lock-delay": fixtureText("linux/dconf-system/centos8-stig-local.d-00-lock-delay.keyfile"),
    "/etc/dconf/db/local.d/99-override": "[org/gnome/desktop/screensaver]\nlock-delay=uint32 0\n",
    "/etc/dconf/db/site.d/locks/screen": "/org/gnome/desktop/session/\n",
    "/etc/dconf/db/site.d/10-site": "[org/gnome/desktop/session]\nidle-delay=uint32 300\n",
  };

  it("reads the profile's databases with later keyfile names winning and locks per database", async () => {
    const machine = await loadMachineDconf(fakeRunner("linux", [], files));
    expect(machine.profileFound).toBe(true);
    expect(machine.systemDbs.map((db) => db.name)).toEqual(["local", "site"]);
    expect(machine.systemDbs[0]?.values.get("/org/gnome/desktop/screensaver/")?.get("lock-delay")).toBe("uint32 0");
    expect(machine.systemDbs[0]?.values.get("/org/gnome/desktop/session/")?.get("idle-delay")).toBe("uint32 900");
  });

  it("takes a locked key's value from the locking database, not from the databases it overrides", async () => {
    const machine = await loadMachineDconf(fakeRunner("linux", [], files));
    // site locks the session directory: local (above it in the profile) cannot set idle-delay any more.
    expect(machineKey(machine, "/org/gnome/desktop/session/idle-delay")).toEqual({ locked: true, db: "site", value: "uint32 300" });
    expect(machineKey(machine, "/org/gnome/desktop/screensaver/lock-delay")).toEqual({ locked: false, db: undefined, value: undefined });
  });

  it("knows no machine policy without a profile: dconf then reads the user's database only", async () => {
    const machine = await loadMachineDconf(fakeRunner("linux", [], { "/etc/dconf/db/local.d/locks/x": "/org/gnome/desktop/session/idle-delay\n" }));
    expect(machine).toEqual({ profileFound: false, systemDbs: [] });
  });
});

describe("attempt", () => {
  it("reports gsettings' refusal to change a locked key in its own words (debian-12-container-locked-policy.set-idle-delay-0.stderr.txt)", async () => {
    const argv = ["runuser", "-u", "ann", "--", "gsettings", "set", "org.gnome.desktop.session", "idle-delay", "0"];
    const stderr = fixtureText("linux/gsettings/debian-12-container-locked-policy.set-idle-delay-0.stderr.txt");
    const result = await attempt(fakeRunner("linux", [{ argv, exitCode: 1, stderr }]), argv);
    expect(result).toEqual({ ok: false, why: "gsettings set org.gnome.desktop.session idle-delay 0: exit status 1 (The key is not writable)" });
  });

  it("says when a command is not there", async () => {
    expect(await attempt(fakeRunner("linux", []), ["xset", "q"])).toEqual({ ok: false, why: "xset q: not available (not installed, or not recorded)" });
  });
});
