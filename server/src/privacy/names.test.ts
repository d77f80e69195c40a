import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonNeedles, mentionsUser, replaceUserInJson, userPattern, userViolationsOf, violationNamesUser } from "./names.js";

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
  ])("%s in %j: %s", (user, text, found) => {
    expect(mentionsUser(text, userPattern(user))).toBe(found);
  });
});

describe("violationNamesUser and userViolationsOf", () => {
  const v = (subject: string, message = `The screen of ${subject} never locks`) => ({ subject, message, observed: "gnome: never idle", expected: "locks after 15 min" });

  it("finds the user by subject, case-insensitively, or by a mention in the texts", () => {
    const p = userPattern("alice");
    expect(violationNamesUser(v("Alice", "x"), "alice", p)).toBe(true);
    expect(violationNamesUser({ ...v("SERIAL1", "attached"), observed: "mounted at /media/alice/USB" }, "alice", p)).toBe(true);
    expect(violationNamesUser(v("alice.smith"), "alice", p)).toBe(false);
  });

  it("keeps only the user's violations of a result that lists several users", () => {
    const result = { check: "screen-lock", status: "fail", violations: [v("alice"), v("bob"), { junk: true }] };
    expect(userViolationsOf(result, "alice", userPattern("alice"))).toEqual([v("alice")]);
    expect(userViolationsOf({ violations: "nope" }, "alice", userPattern("alice"))).toEqual([]);
  });
});

describe("replaceUserInJson", () => {
  it("replaces the name in every string of a document and says whether it did", () => {
    const doc = { results: [{ check: "screen-lock", violations: [{ subject: "alice", message: "The screen of alice never locks", n: 3 }], reason: "not read: alice: no dbus" }], bob: "bob" };
    const { value, changed } = replaceUserInJson(doc, "alice", userPattern("alice"), "erased-user-1");
    expect(changed).toBe(true);
    expect(value).toEqual({
      results: [{ check: "screen-lock", violations: [{ subject: "erased-user-1", message: "The screen of erased-user-1 never locks", n: 3 }], reason: "not read: erased-user-1: no dbus" }],
      bob: "bob",
    });
    expect(replaceUserInJson(doc, "carol", userPattern("carol"), "x")).toEqual({ value: doc, changed: false });
  });

  it("leaves no mention of any name behind (property)", () => {
    const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.\\-]{0,11}$/);
    fc.assert(
      fc.property(name, fc.array(fc.string({ maxLength: 20 }), { maxLength: 6 }), (user, fillers) => {
        const pattern = userPattern(user);
        const texts = fillers.map((f, i) => (i % 2 === 0 ? `${f} ${user} ${f}` : f));
        const { value } = replaceUserInJson({ texts, subject: user }, user, pattern, "erased-user-0");
        const out = value as { texts: string[]; subject: string };
        expect(out.subject).toBe("erased-user-0");
        for (const t of out.texts) expect(mentionsUser(t, pattern)).toBe(false);
      }),
    );
  });
});

describe("jsonNeedles", () => {
  it("adds the JSON-escaped spelling when it differs", () => {
    expect(jsonNeedles("bob")).toEqual(["bob"]);
    expect(jsonNeedles("CORP\\bob")).toEqual(["CORP\\bob", "CORP\\\\bob"]);
  });
});
