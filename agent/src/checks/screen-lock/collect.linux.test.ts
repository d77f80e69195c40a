import { DEFAULT_POLICY } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { collectReadingDeclared, ReadRecorder, undeclaredReads, type Read } from "../../testing/declared-sources.js";
import { fakeRunner, type FakeCommand } from "../../testing/fake-runner.js";
import { fixtureText } from "../../testing/fixtures.js";
import { collectScreenLockLinux } from "./collect.linux.js";
import { evaluateScreenLock } from "./evaluate.js";
import type { ScreenLockFacts } from "./facts.js";

const L = "linux/loginctl/";
const G = "linux/gsettings/";

const LIST = ["loginctl", "list-sessions", "--no-pager"];
const show = (id: string) => ["loginctl", "show-session", id, "--no-pager"];
const as = (user: string, ...argv: string[]) => ["runuser", "-u", user, "--", ...argv];
const get = (user: string, schema: string, key: string) => as(user, "gsettings", "get", schema, key);

/** show-session output in the Key=Value layout loginctl prints (the same as the recorded xfce-lightdm fixture). */
function showSession(props: Record<string, string>): string {
  const base = { Remote: "no", Class: "user", State: "active", Active: "yes", VTNr: "2" };
  return `${Object.entries({ ...base, ...props })
    .map(([k, v]) => `${k}=${v}`)
    .join("\n")}\n`;
}

/** The recorded Ubuntu layout: user001 on session 2, the gdm greeter on c1. */
function gdmSessions(desktop: string): FakeCommand[] {
  return [
    { argv: LIST, stdout: fixtureText(`${L}ubuntu-gdm-greeter-and-user-session.list-sessions.txt`) },
    { argv: show("2"), stdout: showSession({ Id: "2", Name: "user001", Type: "wayland", Desktop: desktop, Seat: "seat0", TTY: "tty2" }) },
    {
      argv: show("c1"),
      stdout: showSession({
        Id: "c1",
        Name: "gdm",
        Type: "wayland",
        Class: "greeter",
        Desktop: "",
        Seat: "seat0",
        TTY: "tty1",
        State: "online",
      }),
    },
  ];
}

/** Every scenario also checks that the collector read only what its `sources` declare. */
async function collect(commands: FakeCommand[], files: Record<string, string> = {}): Promise<ScreenLockFacts> {
  return collectReadingDeclared(collectScreenLockLinux, fakeRunner("linux", commands, files));
}

const verdict = (facts: ScreenLockFacts) => evaluateScreenLock(facts, DEFAULT_POLICY.screenLock);

describe("collectScreenLockLinux: GNOME", () => {
  it("passes a GNOME user on schema defaults and ignores the gdm greeter session", async () => {
    const facts = await collect([
      ...gdmSessions("ubuntu:GNOME"),
      {
        argv: get("user001", "org.gnome.desktop.session", "idle-delay"),
        stdout: fixtureText(`${G}debian-12-container-gnome-defaults.get-idle-delay.txt`),
      },
      {
        argv: get("user001", "org.gnome.desktop.screensaver", "lock-enabled"),
        stdout: fixtureText(`${G}debian-12-container-gnome-defaults.get-lock-enabled.txt`),
      },
      {
        argv: as("user001", "gsettings", "list-recursively", "org.gnome.desktop.screensaver"),
        stdout: fixtureText(`${G}debian-12-container-gnome-defaults.list-recursively-screensaver.txt`),
      },
    ]);
    expect(facts.unreadable).toEqual([]);
    expect(facts.users).toEqual([
      expect.objectContaining({ user: "user001", desktop: "gnome", idleSeconds: 300, lockDelaySeconds: 0, managed: false }),
    ]);
    expect(verdict(facts).status).toBe("pass");
  });

  it("fails the lax user who never goes idle and needs no password", async () => {
    const facts = await collect([
      ...gdmSessions("GNOME"),
      {
        argv: get("user001", "org.gnome.desktop.session", "idle-delay"),
        stdout: fixtureText(`${G}debian-12-container-lax-user.get-idle-delay.txt`),
      },
      {
        argv: get("user001", "org.gnome.desktop.screensaver", "lock-enabled"),
        stdout: fixtureText(`${G}debian-12-container-lax-user.get-lock-enabled.txt`),
      },
      {
        argv: as("user001", "gsettings", "list-recursively", "org.gnome.desktop.screensaver"),
        stdout: fixtureText(`${G}debian-12-container-lax-user.list-recursively-screensaver.txt`),
      },
    ]);
    expect(facts.users).toEqual([expect.objectContaining({ user: "user001", idleSeconds: null, lockDelaySeconds: null, managed: false })]);
    const result = verdict(facts);
    expect(result.status).toBe("fail");
    expect(result.violations).toEqual([expect.objectContaining({ subject: "user001", message: expect.stringContaining("never locks") })]);
  });

  it("passes the lax user under a locked machine policy and reports it as managed", async () => {
    const writable = fixtureText(`${G}debian-12-container-locked-policy-over-lax-user.writable-idle-delay.txt`);
    const facts = await collect([
      ...gdmSessions("GNOME"),
      {
        argv: get("user001", "org.gnome.desktop.session", "idle-delay"),
        stdout: fixtureText(`${G}debian-12-container-locked-policy-over-lax-user.get-idle-delay.txt`),
      },
      {
        argv: get("user001", "org.gnome.desktop.screensaver", "lock-enabled"),
        stdout: fixtureText(`${G}debian-12-container-locked-policy-over-lax-user.get-lock-enabled.txt`),
      },
      {
        argv: as("user001", "gsettings", "list-recursively", "org.gnome.desktop.screensaver"),
        stdout: fixtureText(`${G}debian-12-container-locked-policy-over-lax-user.list-recursively-screensaver.txt`),
      },
      // The same setup locks all three keys (fixtures/linux/INDEX.md); only idle-delay's answer was recorded.
      { argv: as("user001", "gsettings", "writable", "org.gnome.desktop.session", "idle-delay"), stdout: writable },
      { argv: as("user001", "gsettings", "writable", "org.gnome.desktop.screensaver", "lock-enabled"), stdout: writable },
      { argv: as("user001", "gsettings", "writable", "org.gnome.desktop.screensaver", "lock-delay"), stdout: writable },
    ]);
    expect(facts.users).toEqual([expect.objectContaining({ idleSeconds: 600, lockDelaySeconds: 0, managed: true })]);
    expect(facts.users[0]?.detail).toContain("locked by machine policy: idle-delay, lock-enabled, lock-delay");
    expect(verdict(facts).status).toBe("pass");
  });

  it("falls back to dconf dump when gsettings is not installed, a missing key meaning the schema default", async () => {
    const noGsettings = (key: string, schema: string): FakeCommand => ({
      argv: get("user001", schema, key),
      exitCode: 127,
      stderr: "runuser: failed to execute gsettings: No such file or directory",
    });
    const base = [
      ...gdmSessions("GNOME"),
      noGsettings("idle-delay", "org.gnome.desktop.session"),
      noGsettings("lock-enabled", "org.gnome.desktop.screensaver"),
    ];
    const lax = await collect([
      ...base,
      {
        argv: as("user001", "dconf", "dump", "/org/gnome/desktop/"),
        stdout: fixtureText("linux/dconf/debian-12-container-lax-user-dump-gnome-desktop.ini"),
      },
    ]);
    expect(lax.users).toEqual([expect.objectContaining({ idleSeconds: null, lockDelaySeconds: null })]);
    expect(lax.users[0]?.detail).toContain("(dconf dump)");

    const fresh = await collect([
      ...base,
      {
        argv: as("user001", "dconf", "dump", "/org/gnome/desktop/"),
        stdout: fixtureText("linux/dconf/debian-12-container-fresh-user-dump-gnome-desktop-empty.ini"),
      },
    ]);
    expect(fresh.users).toEqual([expect.objectContaining({ idleSeconds: 300, lockDelaySeconds: 0 })]);
    expect(verdict(fresh).status).toBe("pass");
  });

  it("takes the values of keys locked in the machine dconf database when the user's cannot be read", async () => {
    const facts = await collect(gdmSessions("GNOME"), {
      "/etc/dconf/profile/user": "user-db:user\nsystem-db:local\n",
      "/etc/dconf/db/local.d/00-lock-delay": fixtureText("linux/dconf-system/centos8-stig-local.d-00-lock-delay.keyfile"),
      "/etc/dconf/db/local.d/00-screensaver": fixtureText("linux/dconf-system/centos8-stig-local.d-00-screensaver.keyfile"),
      "/etc/dconf/db/local.d/locks/screensaver":
        "/org/gnome/desktop/session/idle-delay\n/org/gnome/desktop/screensaver/lock-enabled\n/org/gnome/desktop/screensaver/lock-delay\n",
    });
    expect(facts.users).toEqual([expect.objectContaining({ idleSeconds: 900, lockDelaySeconds: 5, managed: true })]);
    // 900 s until the screen blanks plus 5 s until the password: 905 s is over the 900 s limit.
    expect(verdict(facts).status).toBe("fail");
  });

  it("reports a GNOME user whose settings cannot be read at all as unreadable, never as passing", async () => {
    const facts = await collect(gdmSessions("GNOME"));
    expect(facts.users).toEqual([]);
    expect(facts.unreadable).toEqual([
      { user: "user001", reason: expect.stringContaining("cannot read org.gnome.desktop.session idle-delay") },
    ]);
    expect(verdict(facts).status).toBe("unknown");
  });
});

describe("collectScreenLockLinux: Cinnamon", () => {
  const sessions = (desktop: string): FakeCommand[] => [
    { argv: LIST, stdout: fixtureText(`${L}ubuntu-gdm-greeter-and-user-session.list-sessions.txt`) },
    { argv: show("2"), stdout: showSession({ Id: "2", Name: "user001", Type: "x11", Desktop: desktop, Seat: "seat0", Display: ":0" }) },
    { argv: show("c1"), stdout: showSession({ Id: "c1", Name: "gdm", Type: "x11", Class: "greeter", Seat: "seat0" }) },
  ];

  it("fails the Cinnamon user with a 30-minute idle delay and locking off", async () => {
    const facts = await collect([
      ...sessions("X-Cinnamon"),
      {
        argv: get("user001", "org.cinnamon.desktop.session", "idle-delay"),
        stdout: fixtureText(`${G}debian-12-container-cinnamon-lax-user.get-session-idle-delay.txt`),
      },
      {
        argv: get("user001", "org.cinnamon.desktop.screensaver", "lock-enabled"),
        stdout: fixtureText(`${G}debian-12-container-cinnamon-lax-user.get-screensaver-lock-enabled.txt`),
      },
    ]);
    expect(facts.users).toEqual([expect.objectContaining({ desktop: "cinnamon", idleSeconds: 1800, lockDelaySeconds: null })]);
    expect(verdict(facts).status).toBe("fail");
  });

  it("passes the Cinnamon defaults at exactly the limit (idle-delay 900)", async () => {
    const facts = await collect([
      ...sessions("X-Cinnamon"),
      {
        argv: get("user001", "org.cinnamon.desktop.session", "idle-delay"),
        stdout: fixtureText(`${G}debian-12-container-cinnamon-defaults.get-session-idle-delay.txt`),
      },
      {
        argv: as("user001", "gsettings", "list-recursively", "org.cinnamon.desktop.screensaver"),
        stdout: fixtureText(`${G}debian-12-container-cinnamon-defaults.list-recursively-screensaver.txt`),
      },
    ]);
    expect(facts.users).toEqual([expect.objectContaining({ desktop: "cinnamon", idleSeconds: 900, lockDelaySeconds: 0 })]);
    expect(verdict(facts).status).toBe("pass");
  });
});

describe("collectScreenLockLinux: MATE", () => {
  it("counts MATE's delays in minutes and takes an unset key's schema default from dconf dump", async () => {
    const facts = await collect([
      { argv: LIST, stdout: "SESSION  UID USER SEAT  TTY\n      5 1002 mo   seat0 tty7\n" },
      { argv: show("5"), stdout: showSession({ Id: "5", Name: "mo", Type: "x11", Desktop: "MATE", Seat: "seat0", Display: ":0" }) },
      // gsettings prints MATE's int32 keys without a type prefix.
      { argv: get("mo", "org.mate.session", "idle-delay"), stdout: "20\n" },
      { argv: get("mo", "org.mate.screensaver", "lock-enabled"), stdout: "true\n" },
      { argv: as("mo", "dconf", "dump", "/org/mate/"), stdout: "[desktop/session]\nidle-delay=20\n" },
    ]);
    expect(facts.users).toEqual([expect.objectContaining({ user: "mo", desktop: "mate", idleSeconds: 1200, lockDelaySeconds: 0 })]);
    expect(facts.users[0]?.detail).toContain("lock-delay 0 (not in dconf dump: schema default)");
    expect(verdict(facts).status).toBe("fail");
  });
});

describe("collectScreenLockLinux: KDE Plasma and Xfce", () => {
  const kdeSession: FakeCommand[] = [
    {
      argv: LIST,
      stdout:
        "SESSION  UID USER SEAT  LEADER CLASS   TTY  IDLE SINCE\n      3 1000 kim  seat0 1542   user    tty2 no   -\n\n1 sessions listed.\n",
    },
    { argv: show("3"), stdout: showSession({ Id: "3", Name: "kim", Type: "wayland", Desktop: "KDE", Seat: "seat0" }) },
  ];
  const passwd = "root:x:0:0:root:/root:/bin/bash\nkim:x:1000:1000:Kim,,,:/srv/home/kim:/bin/bash\n";

  it.each([
    { file: "kde-timeout-15min-autolock-default.kscreenlockerrc", idle: 900, grace: 5, status: "fail" },
    { file: "kde-autolock-true-timeout-10min.kscreenlockerrc", idle: 600, grace: 5, status: "pass" },
    { file: "kde-autolock-false-only.kscreenlockerrc", idle: null, grace: 5, status: "fail" },
  ])("reads $file from the home directory in /etc/passwd", async ({ file, idle, grace, status }) => {
    const facts = await collect(kdeSession, {
      "/etc/passwd": passwd,
      "/srv/home/kim/.config/kscreenlockerrc": fixtureText(`linux/kscreenlockerrc/${file}`),
    });
    expect(facts.users).toEqual([expect.objectContaining({ user: "kim", desktop: "kde", idleSeconds: idle, lockDelaySeconds: grace })]);
    expect(verdict(facts).status).toBe(status);
  });

  it("reads the Xfce user of the active session and ignores the closing one", async () => {
    const facts = await collect(
      [
        { argv: LIST, stdout: fixtureText(`${L}xfce-lightdm-2015-two-sessions.list-sessions.txt`) },
        { argv: show("1"), stdout: fixtureText(`${L}xfce-lightdm-2015-session-1-closing.show-session.txt`) },
        {
          argv: show("3"),
          stdout: showSession({ Id: "3", Name: "liveinstuser", Type: "x11", Desktop: "xfce", Display: ":1", Service: "lightdm" }),
        },
      ],
      {
        "/home/liveinstuser/.config/xfce4/xfconf/xfce-perchannel-xml/xfce4-screensaver.xml": fixtureText(
          "linux/xfce4-screensaver/xfce-idle-30min-lock-2min-after-saver.xml",
        ),
      },
    );
    expect(facts.users).toEqual([
      expect.objectContaining({ user: "liveinstuser", desktop: "xfce", idleSeconds: 1800, lockDelaySeconds: 120 }),
    ]);
    expect(verdict(facts).status).toBe("fail");
  });
});

describe("collectScreenLockLinux: no desktop to judge", () => {
  it("is unknown without systemd (Failed to connect to bus)", async () => {
    const facts = await collect([
      {
        argv: LIST,
        exitCode: 1,
        stdout: fixtureText(`${L}debian-12-container-no-systemd.list-sessions.stdout.txt`),
        stderr: fixtureText(`${L}debian-12-container-no-systemd.list-sessions.stderr.txt`),
      },
    ]);
    expect(facts).toEqual({ users: [], unreadable: [], noSession: expect.stringContaining("Failed to connect to bus") });
    const result = verdict(facts);
    expect(result.status).toBe("unknown");
    expect(result.reason).toContain("systemd-logind is not available");
  });

  it("is unknown when loginctl is not installed", async () => {
    const facts = await collect([{ argv: LIST, exitCode: 127 }]);
    expect(verdict(facts)).toMatchObject({ status: "unknown", reason: expect.stringContaining("loginctl is not installed") });
  });

  it("is unknown with only ssh sessions (no seat)", async () => {
    const facts = await collect([{ argv: LIST, stdout: fixtureText(`${L}rocky9-ssh-sessions-empty-seat-column.list-sessions.txt`) }]);
    expect(facts.users).toEqual([]);
    expect(facts.noSession).toMatch(
      /^no local graphical session \(session 1789 of rocky: no seat; session 1796 of rocky: no seat; session 1797 of lab0/,
    );
    expect(verdict(facts).status).toBe("unknown");
  });

  it("is unknown with a remote session whose properties were read", async () => {
    const facts = await collect([
      { argv: LIST, stdout: fixtureText(`${L}rocky9-list-sessions-output-json-pretty-ignored.txt`) },
      { argv: show("1"), stdout: showSession({ Id: "1", Name: "rocky", Type: "tty", Remote: "yes", TTY: "pts/0", Service: "sshd" }) },
    ]);
    expect(facts.noSession).toBe("no local graphical session (session 1 of rocky: remote session)");
  });

  it("does not pass a startx session (Type=tty) whose window manager's locker is unknown, and quotes the X idle timeout", async () => {
    const type = fixtureText(`${L}startx-x11-session-reports-type-tty.show-session-p-type-value.txt`).trim();
    const facts = await collect([
      { argv: LIST, stdout: "SESSION  UID USER  SEAT  TTY\n      2 1000 alice seat0 tty1\n" },
      {
        argv: show("2"),
        stdout: showSession({ Id: "2", Name: "alice", Type: type, Desktop: "i3", Seat: "seat0", Display: ":0", TTY: "tty1" }),
      },
      {
        argv: as("alice", "env", "DISPLAY=:0", "xset", "q"),
        stdout: fixtureText("linux/xset/debian-12-container-xvfb-server-defaults.xset-q.txt"),
      },
    ]);
    expect(facts.users).toEqual([]);
    expect(facts.unreadable).toEqual([
      { user: "alice", reason: expect.stringMatching(/tty session 2 \(desktop "i3"\).*screen saver starts after 600 s \(xset q\)/) },
    ]);
    expect(verdict(facts).status).toBe("unknown");
  });

  it("does not pass a desktop session whose properties could not be read", async () => {
    const facts = await collect([{ argv: LIST, stdout: fixtureText(`${L}xfce-lightdm-2015-two-sessions.list-sessions.txt`) }]);
    expect(facts.unreadable).toEqual([{ user: "liveinstuser", reason: expect.stringContaining("cannot tell whether it is a desktop") }]);
    expect(verdict(facts).status).toBe("unknown");
  });
});

describe("collectScreenLockLinux sources", () => {
  it("reads nothing that `sources` does not list", async () => {
    const scenarios: [FakeCommand[], Record<string, string>][] = [
      [
        [...gdmSessions("GNOME")],
        {
          "/etc/dconf/profile/user": "user-db:user\nsystem-db:local\n",
          "/etc/dconf/db/local.d/locks/x": "/org/gnome/desktop/session/idle-delay\n",
        },
      ],
      [
        [
          { argv: LIST, stdout: "SESSION UID USER SEAT\n1 1000 kim seat0\n2 1001 xu seat0\n3 1002 mo seat0\n4 1003 ia seat0\n" },
          { argv: show("4"), stdout: showSession({ Name: "ia", Type: "x11", Desktop: "i3", Seat: "seat0", Display: ":2" }) },
          { argv: show("1"), stdout: showSession({ Name: "kim", Type: "wayland", Desktop: "KDE", Seat: "seat0" }) },
          { argv: show("2"), stdout: showSession({ Name: "xu", Type: "x11", Desktop: "XFCE", Seat: "seat0", Display: ":0" }) },
          { argv: show("3"), stdout: showSession({ Name: "mo", Type: "x11", Desktop: "MATE", Seat: "seat0", Display: ":1" }) },
          // MATE stores minutes as plain int32 values, which gsettings prints without a type prefix.
          { argv: get("mo", "org.mate.session", "idle-delay"), stdout: "5\n" },
          { argv: get("mo", "org.mate.screensaver", "lock-enabled"), stdout: "true\n" },
          { argv: get("mo", "org.mate.screensaver", "idle-activation-enabled"), stdout: "true\n" },
          { argv: get("mo", "org.mate.lockdown", "disable-lock-screen"), stdout: "false\n" },
          { argv: as("mo", "dconf", "dump", "/org/mate/"), stdout: "[desktop/session]\nidle-delay=10\n" },
          { argv: as("mo", "gsettings", "writable", "org.mate.session", "idle-delay"), stdout: "true\n" },
        ],
        { "/etc/xdg/autostart/xfce4-screensaver.desktop": "[Desktop Entry]\nName=Screensaver\nExec=xfce4-screensaver\n" },
      ],
    ];
    const reads: Read[] = [];
    for (const [commands, files] of scenarios) {
      const recorder = new ReadRecorder(fakeRunner("linux", commands, files));
      await collectScreenLockLinux.collect(recorder);
      reads.push(...recorder.reads);
    }
    expect(undeclaredReads(collectScreenLockLinux.sources, reads)).toEqual([]);
    const seen = {
      argv: reads.flatMap((r) => (r.kind === "command" ? [[...r.argv]] : [])),
      paths: reads.flatMap((r) => (r.kind === "file" ? [r.path] : [])),
      dirs: reads.flatMap((r) => (r.kind === "directory" ? [r.path] : [])),
    };
    const shown = new Set(seen.argv.map((argv) => argv.slice(4, 6).join(" ")));
    expect([...shown].sort()).toEqual(
      ["", "dconf dump", "env DISPLAY=:2", "gsettings get", "gsettings list-recursively", "gsettings writable"].sort(),
    );
    expect(seen.paths).toEqual(
      expect.arrayContaining([
        "/etc/passwd",
        "/etc/dconf/profile/user",
        "/home/kim/.config/kscreenlockerrc",
        "/etc/xdg/autostart/xfce4-screensaver.desktop",
      ]),
    );
    expect(seen.dirs).toEqual(expect.arrayContaining(["/etc/dconf/db/local.d", "/etc/dconf/db/local.d/locks"]));
  });

  it("lists loginctl list-sessions as the one required source", () => {
    const required = collectScreenLockLinux.sources.filter((s) => !s.optional);
    expect(required).toEqual([expect.objectContaining({ kind: "command", argv: LIST })]);
  });
});
