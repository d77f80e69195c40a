import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  homePathPattern,
  matches,
  mentionsUser,
  rewriteDetail,
  rewriteDocument,
  subjectIsUser,
  textNeedles,
  userMatcher,
  userPattern,
  userViolationsOf,
  violationNamesUser,
} from "./names.js";

describe("userPattern", () => {
  it.each<[string, string, boolean]>([
    ["bob", "The screen of bob never locks", true],
    ["bob", "The screen of bob.", true],
    ["bob", "/home/bob/.config/kscreenlockerrc", true],
    ["bob", "CORP\\bob", true],
    ["bob", "BOB: cannot read", true],
    ["bob", "bobby", false],
    ["bob", "bob.smith", false],
    ["bob", "jim-bob", false],
    ["bob", "bob@example.org", false],
    ["CORP\\bob", "user CORP\\bob (console)", true],
    ["a.b+c", "a.b+c logged in", true],
    ["a.b+c", "aXb+c", false],
    ["Åsa", "screen of åsa", true],
    ["Ölafsdóttir", "screen of ÖLAFSDÓTTIR", true],
    ["Ölafsdóttir", "screen of O\u0308lafsdo\u0301ttir (NFD, as macOS writes it)", true],
  ])("%s in %j: %s", (user, text, found) => {
    expect(mentionsUser(text, userPattern(user))).toBe(found);
  });
});

describe("subjectIsUser (exact, not a substring)", () => {
  it.each<[string, string, boolean]>([
    ["alice", "alice", true],
    ["Alice", "alice", true],
    ["ölafsdóttir", "Ölafsdóttir", true],
    ["O\u0308lafsdóttir", "Ölafsdóttir", true],
    ["CORP\\bob", "bob", true],
    ["CORP\\bob", "CORP\\bob", true],
    ["OTHER\\bob", "CORP\\bob", false],
    ["bob", "CORP\\bob", false],
    ["alice.smith", "alice", false],
    ["software-center", "software", false],
    ["bobby", "bob", false],
  ])("subject %j is user %j: %s", (subject, user, same) => {
    expect(subjectIsUser(subject, user)).toBe(same);
  });
});

describe("homePathPattern", () => {
  it.each<[string, string, boolean]>([
    ["alice", "SanDisk mounted at /media/alice/USB", true],
    ["alice", "/run/media/alice/STICK", true],
    ["alice", "/home/alice/.config/kscreenlockerrc", true],
    ["alice", "C:\\Users\\Alice\\AppData", true],
    ["alice", "/Users/alice", true],
    ["alice", "/media/alice.smith/USB", false],
    ["alice", "alice's stick", false],
    ["software", "the software check found nmap", false],
    ["software", "/usr/share/software/x", false],
  ])("%s in %j: %s", (user, text, found) => {
    expect(matches(text, homePathPattern(user))).toBe(found);
  });
});

describe("violationNamesUser and userViolationsOf", () => {
  const v = (subject: string, message = `The screen of ${subject} never locks`) => ({
    subject,
    message,
    observed: "gnome: never idle",
    expected: "locks after 15 min",
  });

  it("finds the user by the subject of a user-subject check, or by their home or media folder in any check", () => {
    const m = userMatcher("alice");
    expect(violationNamesUser("screen-lock", v("Alice", "x"), m)).toBe(true);
    expect(violationNamesUser("usb-storage", { ...v("SERIAL1", "attached"), observed: "mounted at /media/alice/USB" }, m)).toBe(true);
    expect(violationNamesUser("screen-lock", v("alice.smith"), m)).toBe(false);
  });

  it("does not take the same word in someone else's row for the user (export?user=software)", () => {
    const m = userMatcher("software");
    expect(violationNamesUser("software", v("software", "software nmap is denied (port-scanner)"), m)).toBe(false);
    expect(violationNamesUser("screen-lock", v("bob", "The screen of bob never locks; software settings unreadable"), m)).toBe(false);
    expect(violationNamesUser("screen-lock", v("software"), m)).toBe(true);
  });

  it("keeps only the user's violations of a result that lists several users", () => {
    const result = { check: "screen-lock", status: "fail", violations: [v("alice"), v("bob"), { junk: true }] };
    expect(userViolationsOf(result, userMatcher("alice"))).toEqual([v("alice")]);
    expect(userViolationsOf({ violations: "nope" }, userMatcher("alice"))).toEqual([]);
  });
});

describe("rewriteDocument and rewriteDetail", () => {
  it("replaces the user in their own violations and a user-subject check's reason, and leaves other people's items alone", () => {
    const doc = {
      results: [
        {
          check: "screen-lock",
          status: "fail",
          violations: [
            { subject: "alice", message: "The screen of alice never locks", observed: "o", expected: "e" },
            { subject: "bob", message: "bob has alice's old settings", observed: "o", expected: "e" },
          ],
          reason: "not read: alice: no dbus",
        },
        {
          check: "usb-storage",
          status: "fail",
          violations: [{ subject: "SER1", message: "stick", observed: "mounted at /media/alice/USB", expected: "none" }],
        },
      ],
    };
    const { value, changed } = rewriteDocument(doc, userMatcher("alice"), "erased-user-1");
    expect(changed).toBe(true);
    expect(value).toEqual({
      results: [
        {
          check: "screen-lock",
          status: "fail",
          violations: [
            { subject: "erased-user-1", message: "The screen of erased-user-1 never locks", observed: "o", expected: "e" },
            { subject: "bob", message: "bob has alice's old settings", observed: "o", expected: "e" },
          ],
          reason: "not read: erased-user-1: no dbus",
        },
        {
          check: "usb-storage",
          status: "fail",
          violations: [{ subject: "SER1", message: "stick", observed: "mounted at /media/erased-user-1/USB", expected: "none" }],
        },
      ],
    });
    expect(rewriteDocument(doc, userMatcher("carol"), "x")).toEqual({ value: doc, changed: false });
  });

  it("rewrites an audit detail whose subject is the user, and not a software exemption whose subject happens to be the word", () => {
    expect(rewriteDetail({ subject: "alice", reason: "kiosk of alice" }, userMatcher("alice"), "p").value).toEqual({
      subject: "p",
      reason: "kiosk of p",
    });
    expect(rewriteDetail({ check: "software", subject: "alice", reason: "alice tool" }, userMatcher("alice"), "p").changed).toBe(false);
  });

  it("leaves no mention of any name in the user's own violations (property)", () => {
    const name = fc.stringMatching(/^[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ0-9_.\\-]{0,11}$/);
    fc.assert(
      fc.property(name, fc.array(fc.string({ maxLength: 20 }), { maxLength: 6 }), (user, fillers) => {
        const m = userMatcher(user);
        const texts = fillers.map((f, i) => (i % 2 === 0 ? `${f} ${user} ${f}` : f));
        const doc = {
          results: [
            {
              check: "screen-lock",
              status: "fail",
              violations: [{ subject: user, message: texts.join(" "), observed: `/home/${user}/x`, expected: "e" }],
            },
          ],
        };
        const { value } = rewriteDocument(doc, m, "erased-user-0");
        const out = (value as typeof doc).results[0]?.violations[0];
        expect(out?.subject).toBe("erased-user-0");
        for (const t of [out?.message ?? "", out?.observed ?? ""]) expect(matches(t, m.word)).toBe(false);
      }),
    );
  });
});

describe("textNeedles", () => {
  it("folds case, adds the NFD spelling and the JSON-escaped spelling when they differ", () => {
    expect(textNeedles("bob")).toEqual(["bob"]);
    expect(textNeedles("CORP\\bob")).toEqual(["corp\\bob", "corp\\\\bob"]);
    expect(textNeedles("Ölafsdóttir")).toEqual(["ölafsdóttir", "o\u0308lafsdo\u0301ttir"]);
  });
});
