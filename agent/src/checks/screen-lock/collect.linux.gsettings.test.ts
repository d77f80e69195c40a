import { describe, expect, it } from "vitest";
import { fakeRunner } from "../../testing/fake-runner.js";
import { fixtureText } from "../../testing/fixtures.js";
import { loadMachineDconf } from "./collect.linux.dconf.js";
import { GsettingsUser } from "./collect.linux.gsettings.js";
import { GSETTINGS_DESKTOPS } from "./desktops.linux.js";

describe("GsettingsUser", () => {
  const as = (...argv: string[]) => ["runuser", "-u", "ann", "--", ...argv];

  it("names every source it tried when a key cannot be read", async () => {
    const runner = fakeRunner("linux", [
      {
        argv: as("gsettings", "get", "org.gnome.desktop.session", "idle-delay"),
        exitCode: 1,
        stderr: "No such schema “org.gnome.desktop.session”\n",
      },
    ]);
    const reading = new GsettingsUser(runner, "ann", GSETTINGS_DESKTOPS.gnome, () => loadMachineDconf(runner)).read();
    await expect(reading).rejects.toThrow(
      "cannot read org.gnome.desktop.session idle-delay: gsettings get org.gnome.desktop.session idle-delay: exit code 1: No such schema “org.gnome.desktop.session”; " +
        "gsettings list-recursively org.gnome.desktop.session: not recorded; dconf dump /org/gnome/desktop/: not recorded",
    );
  });

  it("reads lock-delay from list-recursively when its get is missing", async () => {
    const runner = fakeRunner("linux", [
      { argv: as("gsettings", "get", "org.gnome.desktop.session", "idle-delay"), stdout: "uint32 120\n" },
      { argv: as("gsettings", "get", "org.gnome.desktop.screensaver", "lock-enabled"), stdout: "true\n" },
      {
        argv: as("gsettings", "list-recursively", "org.gnome.desktop.screensaver"),
        stdout: fixtureText("linux/gsettings/debian-12-container-lax-user.list-recursively-screensaver.txt"),
      },
    ]);
    const user = await new GsettingsUser(runner, "ann", GSETTINGS_DESKTOPS.gnome, () => loadMachineDconf(runner)).read();
    expect(user).toMatchObject({ idleSeconds: 120, lockDelaySeconds: 3600 });
    expect(user.detail).toBe(
      "GNOME settings: idle-delay uint32 120, lock-enabled true, lock-delay uint32 3600 (gsettings list-recursively)",
    );
  });
});
