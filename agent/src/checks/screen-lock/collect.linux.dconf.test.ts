import { describe, expect, it } from "vitest";
import { fakeRunner } from "../../testing/fake-runner.js";
import { fixtureText } from "../../testing/fixtures.js";
import { loadMachineDconf } from "./collect.linux.dconf.js";
import { machineKey } from "./merge.linux.js";

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
    const machine = await loadMachineDconf(
      fakeRunner("linux", [], { "/etc/dconf/db/local.d/locks/x": "/org/gnome/desktop/session/idle-delay\n" }),
    );
    expect(machine).toEqual({ profileFound: false, systemDbs: [] });
  });
});
