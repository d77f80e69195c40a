import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { fixtureText } from "../../../testing/fixtures.js";
import { isLogindUnavailable, parseLoginctlSessions, parseShowSession } from "./loginctl.js";

const SRC = "loginctl list-sessions";

describe("parseLoginctlSessions", () => {
  it.each([
    {
      file: "linux/loginctl/xfce-lightdm-2015-two-sessions.list-sessions.txt",
      layout: "2015 layout without a TTY column",
      rows: [
        { id: "1", uid: 1000, user: "liveinstuser", seat: "seat0", tty: undefined, sessionClass: undefined },
        { id: "3", uid: 1000, user: "liveinstuser", seat: "seat0", tty: undefined, sessionClass: undefined },
      ],
    },
    {
      file: "linux/loginctl/ubuntu-gdm-greeter-and-user-session.list-sessions.txt",
      layout: "padded 2020 layout with trailing spaces",
      rows: [
        { id: "2", uid: 1000, user: "user001", seat: "seat0", tty: "tty2", sessionClass: undefined },
        { id: "c1", uid: 121, user: "gdm", seat: "seat0", tty: "tty1", sessionClass: undefined },
      ],
    },
    {
      file: "linux/loginctl/rocky9-ssh-sessions-empty-seat-column.list-sessions.txt",
      layout: "systemd 252 layout with IDLE/SINCE, empty SEAT cells and no footer",
      rows: [
        { id: "1789", uid: 1000, user: "rocky", seat: undefined, tty: "pts/0", sessionClass: undefined },
        { id: "1796", uid: 1000, user: "rocky", seat: undefined, tty: "n/a", sessionClass: undefined },
        { id: "1797", uid: 1006, user: "lab0", seat: undefined, tty: "pts/1", sessionClass: undefined },
      ],
    },
    {
      file: "linux/loginctl/rocky9-list-sessions-output-json-pretty-ignored.txt",
      layout: "a table where json-pretty was asked for, with the '1 sessions listed.' footer",
      rows: [{ id: "1", uid: 1000, user: "rocky", seat: undefined, tty: "pts/0", sessionClass: undefined }],
    },
  ])("reads the $layout ($file)", ({ file, rows }) => {
    expect(parseLoginctlSessions(fixtureText(file), SRC)).toEqual(rows);
  });

  it("reads the systemd 256 layout with LEADER and CLASS and '-' for empty cells", () => {
    // As printed by systemd/elogind 256+ (https://github.com/elogind/elogind/issues/364).
    const text = [
      "SESSION  UID USER SEAT  LEADER CLASS   TTY  IDLE SINCE",
      "      6 1004 sed  seat0 7943   user    tty8 no   -",
      "     c2 1004 sed  -     7967   manager -    no   -",
      "",
      "2 sessions listed.",
    ].join("\n");
    expect(parseLoginctlSessions(text, SRC)).toEqual([
      { id: "6", uid: 1004, user: "sed", seat: "seat0", tty: "tty8", sessionClass: "user" },
      { id: "c2", uid: 1004, user: "sed", seat: undefined, tty: undefined, sessionClass: "manager" },
    ]);
  });

  it("reads rows without a header (--no-legend) by their first three columns", () => {
    expect(parseLoginctlSessions("  2 1000 alice seat0 tty2\n", SRC)).toEqual([
      { id: "2", uid: 1000, user: "alice", seat: undefined, tty: undefined, sessionClass: undefined },
    ]);
  });

  it("reads the JSON array a newer loginctl prints for -o json", () => {
    const json =
      '[{"session":"3","uid":1000,"user":"alice","seat":"seat0","leader":1542,"class":"user","tty":"tty2","idle":false,"since":null}]';
    expect(parseLoginctlSessions(json, SRC)).toEqual([
      { id: "3", uid: 1000, user: "alice", seat: "seat0", tty: "tty2", sessionClass: "user" },
    ]);
  });

  it("returns no rows for the empty stdout of a machine without systemd (debian-12-container-no-systemd.list-sessions.stdout.txt)", () => {
    expect(parseLoginctlSessions(fixtureText("linux/loginctl/debian-12-container-no-systemd.list-sessions.stdout.txt"), SRC)).toEqual([]);
  });

  it.each(["SESSION UID USER\nabc def ghi", "garbage", "SESSION UID USER SEAT\n 1 x alice seat0"])(
    "rejects a row without a numeric uid: %j",
    (text) => {
      expect(() => parseLoginctlSessions(text, SRC)).toThrow(ParseError);
    },
  );

  it("never fails with anything but a ParseError on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        try {
          parseLoginctlSessions(text, SRC);
        } catch (error) {
          expect(error).toBeInstanceOf(ParseError);
        }
      }),
    );
  });
});

describe("isLogindUnavailable", () => {
  it("recognises the error of a machine not booted with systemd (debian-12-container-no-systemd.list-sessions.stderr.txt)", () => {
    const stderr = fixtureText("linux/loginctl/debian-12-container-no-systemd.list-sessions.stderr.txt");
    expect(stderr).toContain("Failed to connect to bus: Host is down");
    expect(isLogindUnavailable(stderr)).toBe(true);
  });

  it("does not mistake another failure for a missing logind", () => {
    expect(isLogindUnavailable("Failed to list sessions: Access denied")).toBe(false);
  });
});

describe("parseShowSession", () => {
  it("reads a closing graphical session of old systemd without Seat= (xfce-lightdm-2015-session-1-closing.show-session.txt)", () => {
    const props = parseShowSession(
      fixtureText("linux/loginctl/xfce-lightdm-2015-session-1-closing.show-session.txt"),
      "loginctl show-session 1",
    );
    expect(props).toEqual({
      id: "1",
      name: "liveinstuser",
      type: "x11",
      sessionClass: "user",
      desktop: "xfce",
      remote: false,
      state: "closing",
      display: ":0",
      seat: undefined,
      tty: undefined,
      service: "lightdm",
      active: false,
    });
  });

  it("treats empty values as absent and keeps '=' inside values", () => {
    const props = parseShowSession("Id=4\nSeat=\nDesktop=ubuntu:GNOME\nName=a=b\nRemote=yes\n", "show");
    expect(props).toMatchObject({ id: "4", seat: undefined, desktop: "ubuntu:GNOME", name: "a=b", remote: true });
  });

  it("rejects bare values as printed by -p Type --value (startx-x11-session-reports-type-tty.show-session-p-type-value.txt)", () => {
    const bare = fixtureText("linux/loginctl/startx-x11-session-reports-type-tty.show-session-p-type-value.txt");
    expect(bare.trim()).toBe("tty");
    expect(() => parseShowSession(bare, "loginctl show-session 2 -p Type --value")).toThrow(ParseError);
  });

  it("rejects empty output", () => {
    expect(() => parseShowSession("\n", "show")).toThrow(ParseError);
  });
});
