import { CheckResult, type ScreenLockPolicy } from "@wegroup/shared";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateScreenLock, formatSeconds } from "./evaluate.js";
import type { ScreenLockFacts, UserScreenLock } from "./facts.js";

const POLICY: ScreenLockPolicy = { maxIdleSeconds: 900, requirePassword: true };
const NO_PASSWORD_POLICY: ScreenLockPolicy = { maxIdleSeconds: 900, requirePassword: false };

const user = (over: Partial<UserScreenLock> = {}): UserScreenLock => ({
  user: "ann",
  desktop: "gnome",
  idleSeconds: 300,
  lockDelaySeconds: 0,
  managed: false,
  detail: "GNOME settings: idle-delay uint32 300, lock-enabled true, lock-delay uint32 0",
  ...over,
});
const facts = (users: UserScreenLock[], unreadable: ScreenLockFacts["unreadable"] = [], noSession?: string): ScreenLockFacts =>
  noSession === undefined ? { users, unreadable } : { users, unreadable, noSession };

describe("evaluateScreenLock", () => {
  it.each([
    { what: "defaults: 5 min, password at once", user: user(), policy: POLICY, status: "pass", message: undefined },
    {
      what: "idle plus lock delay under the limit",
      user: user({ idleSeconds: 600, lockDelaySeconds: 120 }),
      policy: POLICY,
      status: "pass",
      message: undefined,
    },
    {
      what: "idle plus lock delay exactly at the limit",
      user: user({ idleSeconds: 840, lockDelaySeconds: 60 }),
      policy: POLICY,
      status: "pass",
      message: undefined,
    },
    { what: "idle alone at the limit", user: user({ idleSeconds: 900 }), policy: POLICY, status: "pass", message: undefined },
    {
      what: "idle plus lock delay one second over the limit",
      user: user({ idleSeconds: 900, lockDelaySeconds: 1 }),
      policy: POLICY,
      status: "fail",
      message: "The screen of ann locks only after 901 s of inactivity",
    },
    {
      what: "idle over the limit",
      user: user({ idleSeconds: 1800 }),
      policy: POLICY,
      status: "fail",
      message: "The screen of ann locks only after 30 min of inactivity",
    },
    {
      what: "never idle (null)",
      user: user({ idleSeconds: null }),
      policy: POLICY,
      status: "fail",
      message: "The screen of ann never locks on inactivity",
    },
    {
      what: "never idle (0)",
      user: user({ idleSeconds: 0 }),
      policy: POLICY,
      status: "fail",
      message: "The screen of ann never locks on inactivity",
    },
    {
      what: "no password on wake",
      user: user({ lockDelaySeconds: null }),
      policy: POLICY,
      status: "fail",
      message: "Waking the screen of ann does not ask for a password",
    },
    {
      what: "no password needed when the policy does not ask for one",
      user: user({ lockDelaySeconds: null }),
      policy: NO_PASSWORD_POLICY,
      status: "pass",
      message: undefined,
    },
    {
      what: "screen saver too late when the policy does not ask for a password",
      user: user({ idleSeconds: 1200, lockDelaySeconds: null }),
      policy: NO_PASSWORD_POLICY,
      status: "fail",
      message: "The screen saver of ann starts only after 20 min",
    },
    {
      what: "a long lock delay that does not matter without the password requirement",
      user: user({ idleSeconds: 600, lockDelaySeconds: 3600 }),
      policy: NO_PASSWORD_POLICY,
      status: "pass",
      message: undefined,
    },
    {
      what: "never idle even without the password requirement",
      user: user({ idleSeconds: null }),
      policy: NO_PASSWORD_POLICY,
      status: "fail",
      message: "never locks",
    },
  ])("$what: $status", ({ user: u, policy, status, message }) => {
    const result = evaluateScreenLock(facts([u]), policy);
    expect(result.status).toBe(status);
    if (message === undefined) {
      expect(result.violations).toEqual([]);
    } else {
      expect(result.violations).toHaveLength(1);
      expect(result.violations[0]?.subject).toBe("ann");
      expect(result.violations[0]?.message).toContain(message);
    }
  });

  it("says whether the failing values are the user's or machine policy's, and quotes where they came from", () => {
    const own = evaluateScreenLock(facts([user({ idleSeconds: null })]), POLICY).violations[0];
    expect(own?.message).toBe(
      "The screen of ann never locks on inactivity (user setting; GNOME settings: idle-delay uint32 300, lock-enabled true, lock-delay uint32 0)",
    );
    const managed = evaluateScreenLock(facts([user({ idleSeconds: 1800, managed: true, detail: "locked" })]), POLICY).violations[0];
    expect(managed?.message).toContain("(set by machine policy; locked)");
  });

  it.each([
    [user({ idleSeconds: 5000, lockDelaySeconds: 0 }), "gnome: idle after 5000 s, password at once"],
    [user({ idleSeconds: 5000, lockDelaySeconds: 60 }), "gnome: idle after 5000 s, password after a further 60 s"],
    [user({ idleSeconds: null, lockDelaySeconds: null }), "gnome: never idle, no password on wake"],
  ])("describes what it observed: %#", (u, observed) => {
    const failing = evaluateScreenLock(facts([u]), POLICY).violations[0];
    expect(failing?.observed).toBe(observed);
    expect(failing?.expected).toBe("the screen locks with a password after at most 15 min of inactivity");
  });

  it("states the expectation without a password when the policy does not require one", () => {
    const failing = evaluateScreenLock(facts([user({ idleSeconds: 1000 })]), NO_PASSWORD_POLICY).violations[0];
    expect(failing?.expected).toBe("the screen saver starts after at most 15 min of inactivity");
  });

  it("reports one violation per failing user and none for the compliant ones", () => {
    const result = evaluateScreenLock(
      facts([user(), user({ user: "bob", idleSeconds: null }), user({ user: "cy", lockDelaySeconds: null })]),
      POLICY,
    );
    expect(result.status).toBe("fail");
    expect(result.violations.map((v) => v.subject)).toEqual(["bob", "cy"]);
  });

  it("is unknown with the collector's reason when there is no graphical session", () => {
    expect(evaluateScreenLock(facts([], [], "no local graphical session (session 3 of ann: remote session)"), POLICY)).toEqual({
      check: "screen-lock",
      status: "unknown",
      violations: [],
      reason: "no local graphical session (session 3 of ann: remote session)",
    });
  });

  it("is unknown, never pass, when no user was found and no reason was given", () => {
    expect(evaluateScreenLock(facts([]), POLICY)).toMatchObject({
      status: "unknown",
      reason: "no user has a graphical session on this device",
    });
  });

  it("is unknown, never pass, when a desktop user's settings could not be read", () => {
    const result = evaluateScreenLock(facts([user()], [{ user: "bob", reason: "gsettings: not recorded" }]), POLICY);
    expect(result).toMatchObject({
      status: "unknown",
      violations: [],
      reason: "cannot read the screen-lock settings of bob: gsettings: not recorded",
    });
  });

  it("is unknown when only unreadable users are known", () => {
    const result = evaluateScreenLock(
      facts(
        [],
        [
          { user: "bob", reason: "x" },
          { user: "cy", reason: "y" },
        ],
      ),
      POLICY,
    );
    expect(result).toMatchObject({ status: "unknown", reason: "cannot read the screen-lock settings of bob: x; cy: y" });
  });

  it("still fails a failing user and names the unreadable ones in the reason", () => {
    const result = evaluateScreenLock(facts([user({ idleSeconds: null })], [{ user: "bob", reason: "x" }]), POLICY);
    expect(result).toMatchObject({ status: "fail", reason: "not read: bob: x" });
    expect(result.violations).toHaveLength(1);
  });
});

describe("evaluateScreenLock output", () => {
  it("always fits the shared result schema, however many users and however long their reasons", () => {
    const arbUser = fc.record({
      user: fc.string({ minLength: 1, maxLength: 32 }),
      desktop: fc.constantFrom("gnome", "kde", "xfce", "macos", "windows"),
      idleSeconds: fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: null }),
      lockDelaySeconds: fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: null }),
      managed: fc.boolean(),
      detail: fc.string({ maxLength: 3_000 }),
    });
    fc.assert(
      fc.property(
        fc.array(arbUser, { maxLength: 5 }),
        fc.array(fc.record({ user: fc.string({ minLength: 1, maxLength: 32 }), reason: fc.string({ maxLength: 1_500 }) }), {
          maxLength: 5,
        }),
        fc.option(fc.string({ maxLength: 3_000 }), { nil: undefined }),
        fc.record({ maxIdleSeconds: fc.integer({ min: 1, max: 86_400 }), requirePassword: fc.boolean() }),
        (users, unreadable, noSession, policy) => {
          const result = evaluateScreenLock(facts(users, unreadable, noSession), policy);
          expect(CheckResult.safeParse(result).success).toBe(true);
          if (users.length === 0 && unreadable.length === 0) expect(result.status).toBe("unknown");
          if (unreadable.length > 0) expect(result.status).not.toBe("pass");
        },
      ),
    );
  });
});

describe("formatSeconds", () => {
  it.each([
    [0, "0 s"],
    [45, "45 s"],
    [60, "1 min"],
    [90, "90 s"],
    [900, "15 min"],
    [1800, "30 min"],
  ])("%i -> %s", (seconds, text) => {
    expect(formatSeconds(seconds)).toBe(text);
  });
});
