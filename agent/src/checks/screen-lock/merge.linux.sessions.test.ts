import { describe, expect, it } from "vitest";
import { fixtureText } from "../../testing/fixtures.js";
import type { LoginSessionRow, SessionProperties } from "./parse/loginctl.js";
import { parseShowSession } from "./parse/loginctl.js";
import { classify } from "./merge.linux.sessions.js";

const row: LoginSessionRow = { id: "2", uid: 1000, user: "ann", seat: "seat0", tty: "tty2", sessionClass: undefined };
const props = (p: Partial<SessionProperties>): SessionProperties => ({
  id: "2",
  name: "ann",
  type: "wayland",
  sessionClass: "user",
  desktop: "GNOME",
  remote: false,
  state: "active",
  display: undefined,
  seat: "seat0",
  tty: undefined,
  service: "gdm-password",
  active: true,
  ...p,
});

describe("classify", () => {
  it.each([
    ["a local Wayland desktop", {}, true],
    ["a local X11 desktop", { type: "x11", display: ":0" }, true],
    ["a Mir session", { type: "mir" }, true],
    ["a remote session", { remote: true }, "remote session"],
    ["the display manager's greeter", { sessionClass: "greeter" }, "class greeter (not a user desktop)"],
    ["systemd's per-user manager session", { sessionClass: "manager" }, "class manager (not a user desktop)"],
    ["a closing session", { state: "closing" }, "closing (user logged out)"],
    ["a console login", { type: "tty", desktop: undefined, display: undefined }, "tty session without a desktop"],
    ["an X server started with startx (tty with a display and desktop)", { type: "tty", desktop: "i3", display: ":0" }, true],
    ["an ssh login", { type: "tty", desktop: undefined, seat: undefined }, "tty session without a seat (ssh or text login)"],
  ])("%s", (_what, p, expected) => {
    const result = classify({ ...row, seat: "seat" in p ? undefined : row.seat }, props(p));
    if (expected === true) expect(result).toMatchObject({ user: "ann", sessionId: "2" });
    else expect(result).toBe(expected);
  });

  it("accepts the startx session whose logind Type is tty (startx-x11-session-reports-type-tty.show-session-p-type-value.txt)", () => {
    const type = fixtureText("linux/loginctl/startx-x11-session-reports-type-tty.show-session-p-type-value.txt").trim();
    const shown = parseShowSession(
      `Name=ann\nType=${type}\nClass=user\nDesktop=xfce\nDisplay=:0\nSeat=seat0\nRemote=no\nState=active\n`,
      "show",
    );
    expect(classify(row, shown)).toMatchObject({ type: "tty", desktop: "xfce", display: ":0" });
  });

  it("rejects the closing Xfce session of the recorded lightdm machine (xfce-lightdm-2015-session-1-closing.show-session.txt)", () => {
    const shown = parseShowSession(fixtureText("linux/loginctl/xfce-lightdm-2015-session-1-closing.show-session.txt"), "show");
    expect(classify({ ...row, id: "1", user: "liveinstuser" }, shown)).toBe("closing (user logged out)");
  });

  it("uses the table's CLASS when show-session has none", () => {
    expect(classify({ ...row, sessionClass: "greeter" }, props({ sessionClass: undefined }))).toBe("class greeter (not a user desktop)");
  });
});
