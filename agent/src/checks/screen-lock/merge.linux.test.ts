import { DEFAULT_POLICY } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { fixtureText } from "../../testing/fixtures.js";
import { GSETTINGS_DESKTOPS, type GsettingsDesktop } from "./desktops.linux.js";
import { evaluateScreenLock } from "./evaluate.js";
import { screenLockFromGsettings, valueFromDump } from "./merge.linux.js";
import { parseDconfKeyfile } from "./parse/dconf-keyfile.js";

/** What a root `dconf dump /` says about a desktop's screen lock, with the schema defaults for what it leaves out. */
function fromRootDump(file: string, desktop: GsettingsDesktop) {
  const dirs = parseDconfKeyfile(fixtureText(`linux/dconf/${file}`), "dconf dump /");
  const values = {
    idleDelay: valueFromDump(dirs, desktop.idleDelay),
    lockEnabled: valueFromDump(dirs, desktop.lockEnabled),
    lockDelay: valueFromDump(dirs, desktop.lockDelay),
    idleActivation: desktop.idleActivation === undefined ? undefined : valueFromDump(dirs, desktop.idleActivation),
    disableLock: valueFromDump(dirs, desktop.disableLock),
  };
  return screenLockFromGsettings("user", desktop, values, []);
}

describe("effective settings from a root dconf dump (absent key = schema default, never 'disabled')", () => {
  it.each([
    { file: "debian-gnome-dconf-dump-idle-300.ini", desktop: GSETTINGS_DESKTOPS.gnome, idle: 300, lock: 0, status: "pass" },
    { file: "debian-sid-dconf-dump-idle-600.ini", desktop: GSETTINGS_DESKTOPS.gnome, idle: 600, lock: 0, status: "pass" },
    { file: "gnome-dconf-dump-idle-0-never.ini", desktop: GSETTINGS_DESKTOPS.gnome, idle: null, lock: 0, status: "fail" },
    { file: "ubuntu-dconf-dump-no-session-or-lock-keys.ini", desktop: GSETTINGS_DESKTOPS.gnome, idle: 300, lock: 0, status: "pass" },
    {
      file: "debian-12-container-cinnamon-lax-user-dump-root.ini",
      desktop: GSETTINGS_DESKTOPS.cinnamon,
      idle: 1800,
      lock: null,
      status: "fail",
    },
  ])("$file: idle $idle s, password after $lock s more: $status", ({ file, desktop, idle, lock, status }) => {
    const user = fromRootDump(file, desktop);
    expect(user).toMatchObject({ idleSeconds: idle, lockDelaySeconds: lock, managed: false });
    expect(evaluateScreenLock({ users: [user], unreadable: [] }, DEFAULT_POLICY.screenLock).status).toBe(status);
  });
});

describe("screenLockFromGsettings", () => {
  const gnome = GSETTINGS_DESKTOPS.gnome;
  const n = (value: number) => ({ value: { kind: "number" as const, value, text: `uint32 ${value}` }, via: undefined });
  const b = (value: boolean) => ({ value: { kind: "boolean" as const, value, text: String(value) }, via: undefined });

  it("treats the lockdown switch disable-lock-screen as no password on wake", () => {
    const user = screenLockFromGsettings(
      "u",
      gnome,
      { idleDelay: n(300), lockEnabled: b(true), lockDelay: undefined, idleActivation: undefined, disableLock: b(true) },
      [],
    );
    expect(user).toMatchObject({ idleSeconds: 300, lockDelaySeconds: null });
    expect(user.detail).toContain("disable-lock-screen true");
  });

  it("treats a screen saver that never starts on idle (Cinnamon idle-activation-enabled false) as never locking", () => {
    const cinnamon = GSETTINGS_DESKTOPS.cinnamon;
    const user = screenLockFromGsettings(
      "u",
      cinnamon,
      { idleDelay: n(300), lockEnabled: b(true), lockDelay: n(0), idleActivation: b(false), disableLock: b(false) },
      [],
    );
    expect(user).toMatchObject({ idleSeconds: null, lockDelaySeconds: 0 });
  });

  it("is managed only when every key of the verdict is locked", () => {
    const values = { idleDelay: n(300), lockEnabled: b(true), lockDelay: n(0), idleActivation: undefined, disableLock: b(false) };
    expect(screenLockFromGsettings("u", gnome, values, ["idle-delay", "lock-enabled"]).managed).toBe(false);
    expect(screenLockFromGsettings("u", gnome, values, ["idle-delay", "lock-enabled", "lock-delay"]).managed).toBe(true);
    // With locking off, lock-delay no longer matters.
    expect(
      screenLockFromGsettings("u", gnome, { ...values, lockEnabled: b(false), lockDelay: undefined }, ["idle-delay", "lock-enabled"])
        .managed,
    ).toBe(true);
  });
});
