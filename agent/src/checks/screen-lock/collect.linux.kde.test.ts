import { DEFAULT_POLICY } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { fakeRunner } from "../../testing/fake-runner.js";
import { fixtureText } from "../../testing/fixtures.js";
import { evaluateScreenLock } from "./evaluate.js";
import { readKdeUser } from "./collect.linux.kde.js";

const HOME = "/home/kim";
const USER_FILE = `${HOME}/.config/kscreenlockerrc`;

async function read(files: Record<string, string>) {
  return readKdeUser(fakeRunner("linux", [], files), "kim", HOME);
}

describe("readKdeUser", () => {
  it.each([
    // Autolock off: a 10-minute Timeout is configured but never locks.
    { file: "kde-autolock-false-lockgrace-0-timeout-10.kscreenlockerrc", idle: null, grace: 0, status: "fail" },
    { file: "kde-autolock-false-only.kscreenlockerrc", idle: null, grace: 5, status: "fail" },
    { file: "kde-autolock-true-timeout-10min.kscreenlockerrc", idle: 600, grace: 5, status: "pass" },
    // Defaults: 5 minutes, then 45 s in which a key press unlocks without the password.
    { file: "kde-lockgrace-45s-other-defaults.kscreenlockerrc", idle: 300, grace: 45, status: "pass" },
    { file: "kde-no-daemon-section-all-defaults.kscreenlockerrc", idle: 300, grace: 5, status: "pass" },
    // 15 minutes is the limit; the 5 s default grace puts the password just past it.
    { file: "kde-timeout-15min-autolock-default.kscreenlockerrc", idle: 900, grace: 5, status: "fail" },
  ])("$file: idle $idle s, grace $grace s: $status", async ({ file, idle, grace, status }) => {
    const user = await read({ [USER_FILE]: fixtureText(`linux/kscreenlockerrc/${file}`) });
    expect(user).toMatchObject({ user: "kim", desktop: "kde", idleSeconds: idle, lockDelaySeconds: grace, managed: false });
    expect(evaluateScreenLock({ users: [user], unreadable: [] }, DEFAULT_POLICY.screenLock).status).toBe(status);
  });

  it("uses KDE's defaults when the user has no kscreenlockerrc", async () => {
    const user = await read({});
    expect(user).toMatchObject({ idleSeconds: 300, lockDelaySeconds: 5, managed: false });
    expect(user.detail).toBe(
      "kscreenlockerrc [Daemon] Autolock=true (KDE default), Timeout=5 min (KDE default), LockGrace=5 s (KDE default)",
    );
  });

  it("lets the user's file override machine defaults in /etc/xdg", async () => {
    const user = await read({
      "/etc/xdg/kscreenlockerrc": "[Daemon]\nTimeout=3\nLockGrace=0\n",
      [USER_FILE]: fixtureText("linux/kscreenlockerrc/kde-autolock-false-only.kscreenlockerrc"),
    });
    expect(user).toMatchObject({ idleSeconds: null, lockDelaySeconds: 0, managed: false });
  });

  it.each([
    ["an immutable [Daemon] group", "[Daemon][$i]\nAutolock=true\nTimeout=3\nLockGrace=0\n"],
    ["immutable keys", "[Daemon]\nAutolock[$i]=true\nTimeout[$i]=3\nLockGrace[$i]=0\n"],
    ["an immutable file", "[$i]\n[Daemon]\nAutolock=true\nTimeout=3\nLockGrace=0\n"],
  ])("keeps machine settings locked by %s over the user's file, and calls them managed", async (_what, system) => {
    const user = await read({
      "/etc/xdg/kscreenlockerrc": system,
      [USER_FILE]: fixtureText("linux/kscreenlockerrc/kde-autolock-false-only.kscreenlockerrc"),
    });
    expect(user).toMatchObject({ idleSeconds: 180, lockDelaySeconds: 0, managed: true });
  });
});
