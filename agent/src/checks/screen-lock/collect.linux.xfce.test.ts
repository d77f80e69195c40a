import { DEFAULT_POLICY } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { fakeRunner } from "../../testing/fake-runner.js";
import { fixtureText } from "../../testing/fixtures.js";
import { evaluateScreenLock } from "./evaluate.js";
import { readXfceUser } from "./collect.linux.xfce.js";
import { UnreadableSettings } from "./facts.js";

const HOME = "/home/xu";
const USER_FILE = `${HOME}/.config/xfce4/xfconf/xfce-perchannel-xml/xfce4-screensaver.xml`;
const SYSTEM_FILE = "/etc/xdg/xfce4/xfconf/xfce-perchannel-xml/xfce4-screensaver.xml";

const read = (files: Record<string, string>) => readXfceUser(fakeRunner("linux", [], files), "xu", HOME, async () => "; X note");

describe("readXfceUser", () => {
  it.each([
    // No /lock group: xfce4-screensaver locks with the saver by default.
    { file: "xfce-idle-10min-no-lock-section-defaults.xml", idle: 600, lock: 0, status: "pass" },
    { file: "xfce-idle-30min-lock-2min-after-saver.xml", idle: 1800, lock: 120, status: "fail" },
    { file: "xfce-idle-activation-disabled-lock-enabled.xml", idle: null, lock: 0, status: "fail" },
    { file: "xfce-saver-10min-lock-enabled-but-not-on-saver-activation.xml", idle: 600, lock: null, status: "fail" },
  ])("$file: idle $idle s, lock $lock s later: $status", async ({ file, idle, lock, status }) => {
    const user = await read({ [USER_FILE]: fixtureText(`linux/xfce4-screensaver/${file}`) });
    expect(user).toMatchObject({ user: "xu", desktop: "xfce", idleSeconds: idle, lockDelaySeconds: lock, managed: false });
    expect(evaluateScreenLock({ users: [user], unreadable: [] }, DEFAULT_POLICY.screenLock).status).toBe(status);
  });

  it("uses xfce4-screensaver's defaults (5 min, lock at once) when it is installed but never configured", async () => {
    const user = await read({
      "/etc/xdg/autostart/xfce4-screensaver.desktop": "[Desktop Entry]\nType=Application\nExec=xfce4-screensaver\n",
    });
    expect(user).toMatchObject({ idleSeconds: 300, lockDelaySeconds: 0 });
  });

  it("does not guess when there is no trace of xfce4-screensaver (Xfce may use light-locker or xscreensaver)", async () => {
    await expect(read({})).rejects.toThrow(UnreadableSettings);
    await expect(read({})).rejects.toThrow(/screen locker is unknown; X note$/);
  });

  it("finds the screen saver switched off by the user's autostart override", async () => {
    const user = await read({
      [USER_FILE]: fixtureText("linux/xfce4-screensaver/xfce-idle-10min-no-lock-section-defaults.xml"),
      [`${HOME}/.config/autostart/xfce4-screensaver.desktop`]: "[Desktop Entry]\nType=Application\nHidden=true\n",
    });
    expect(user).toMatchObject({ idleSeconds: null, lockDelaySeconds: null });
  });

  it("keeps properties the machine channel locks over the user's values, and calls them managed", async () => {
    const system = `<?xml version="1.0" encoding="UTF-8"?>
<channel name="xfce4-screensaver" version="1.0" locked="*">
  <property name="saver" type="empty">
    <property name="idle-activation" type="empty">
      <property name="delay" type="int" value="10"/>
    </property>
  </property>
</channel>`;
    const user = await read({
      [SYSTEM_FILE]: system,
      [USER_FILE]: fixtureText("linux/xfce4-screensaver/xfce-idle-30min-lock-2min-after-saver.xml"),
    });
    expect(user).toMatchObject({ idleSeconds: 600, lockDelaySeconds: 0, managed: true });
  });

  it("lets the user override machine defaults that are not locked", async () => {
    const system =
      '<channel name="xfce4-screensaver" version="1.0"><property name="lock" type="empty"><property name="enabled" type="bool" value="false" unlocked="xu"/></property></channel>';
    const user = await read({
      [SYSTEM_FILE]: system,
      [USER_FILE]: fixtureText("linux/xfce4-screensaver/xfce-saver-10min-lock-enabled-but-not-on-saver-activation.xml"),
    });
    expect(user).toMatchObject({ idleSeconds: 600, lockDelaySeconds: null, managed: false });
  });
});
