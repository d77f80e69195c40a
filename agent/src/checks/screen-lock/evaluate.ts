// Screen lock: every desktop user's screen must lock within maxIdleSeconds and ask for a password.
import { fail, pass, unknown, type CheckResult, type CheckViolation, type ScreenLockPolicy } from "@wegroup/shared";
import type { ScreenLockFacts, UserScreenLock } from "./facts.js";

/** The result schema caps every text at 2,000 characters; reasons listing many users can be longer. */
const MAX_TEXT = 2_000;

export function evaluateScreenLock(facts: ScreenLockFacts, policy: ScreenLockPolicy): CheckResult {
  if (facts.users.length === 0 && facts.unreadable.length === 0) {
    return unknown("screen-lock", clip(facts.noSession ?? "no user has a graphical session on this device"));
  }
  const violations = facts.users.flatMap((user) => judge(user, policy));
  const unreadable = facts.unreadable.map((u) => `${u.user}: ${u.reason}`).join("; ");
  if (violations.length > 0) return fail("screen-lock", violations, unreadable === "" ? undefined : clip(`not read: ${unreadable}`));
  // A user we could not read might be the one who breaks the policy: never call that a pass.
  if (facts.unreadable.length > 0) return unknown("screen-lock", clip(`cannot read the screen-lock settings of ${unreadable}`));
  return pass("screen-lock");
}

function judge(user: UserScreenLock, policy: ScreenLockPolicy): CheckViolation[] {
  const limit = policy.maxIdleSeconds;
  const expected = policy.requirePassword
    ? `the screen locks with a password after at most ${formatSeconds(limit)} of inactivity`
    : `the screen saver starts after at most ${formatSeconds(limit)} of inactivity`;
  const origin = user.managed ? "set by machine policy" : "user setting";
  const observed = describe(user);
  const violation = (message: string): CheckViolation[] => [
    { subject: user.user, message: clip(`${message} (${origin}; ${user.detail})`), observed: clip(observed), expected },
  ];

  if (user.idleSeconds === null || user.idleSeconds <= 0) {
    return violation(`The screen of ${user.user} never locks on inactivity`);
  }
  if (!policy.requirePassword) {
    return user.idleSeconds > limit
      ? violation(`The screen saver of ${user.user} starts only after ${formatSeconds(user.idleSeconds)}`)
      : [];
  }
  if (user.lockDelaySeconds === null) {
    return violation(`Waking the screen of ${user.user} does not ask for a password`);
  }
  const total = user.idleSeconds + user.lockDelaySeconds;
  if (total > limit) {
    return violation(`The screen of ${user.user} locks only after ${formatSeconds(total)} of inactivity`);
  }
  return [];
}

function describe(user: UserScreenLock): string {
  const idle = user.idleSeconds === null || user.idleSeconds <= 0 ? "never idle" : `idle after ${user.idleSeconds} s`;
  const lock =
    user.lockDelaySeconds === null
      ? "no password on wake"
      : user.lockDelaySeconds === 0
        ? "password at once"
        : `password after a further ${user.lockDelaySeconds} s`;
  return `${user.desktop}: ${idle}, ${lock}`;
}

function clip(text: string): string {
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 1)}…`;
}

export function formatSeconds(seconds: number): string {
  if (seconds % 60 === 0 && seconds >= 60) return `${seconds / 60} min`;
  return `${seconds} s`;
}
