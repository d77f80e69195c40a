import type { ErrorFrame } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff.js";
import { type DeliveryState, DISCONNECTED, onAck, onConnected, onQueued, onRefusal, onTick, onWelcome, REPORT_RETRY } from "./delivery.js";

const refusal = (code: ErrorFrame["code"], ref = "r1"): ErrorFrame => ({ type: "error", code, message: "m", ref });
const half = () => 0; // jitter at its low end: delays are exactly ceiling/2
const welcomed = (queued: string[]): DeliveryState => onWelcome(onConnected(), queued).state;

describe("delivery decisions", () => {
  it("sends what is queued once after the first welcome of a connection, then the full state", () => {
    const step = onWelcome(onConnected(), ["r1", "r2"]);
    expect(step.actions).toEqual([{ kind: "send", ids: ["r1", "r2"] }, { kind: "full-state" }]);
  });

  it("ignores repeated welcomes: 300 of them send each queued report once", () => {
    let state = onConnected();
    let sent = 0;
    let fullStates = 0;
    for (let i = 0; i < 300; i++) {
      const step = onWelcome(state, ["r1", "r2", "r3"]);
      state = step.state;
      for (const a of step.actions) {
        if (a.kind === "send") sent += a.ids.length;
        if (a.kind === "full-state") fullStates++;
      }
    }
    expect([sent, fullStates]).toEqual([3, 1]);
  });

  it("sends a newly queued report at once when welcomed, and with the welcome otherwise", () => {
    expect(onQueued(onConnected(), "r9").actions).toEqual([]);
    expect(onQueued(welcomed([]), "r9").actions).toEqual([{ kind: "send", ids: ["r9"] }]);
    expect(onQueued(onQueued(welcomed([]), "r9").state, "r9").actions).toEqual([]);
  });

  it.each(["unavailable", "rate_limited"] as const)(
    "retries a report refused as %s on the same connection, backing off further each time",
    (code) => {
      const t0 = 1_000_000;
      let state = welcomed(["r1"]);
      const first = onRefusal(state, refusal(code), true, t0, half);
      expect(first.actions).toEqual([{ kind: "wake", at: t0 + backoffDelay(0, REPORT_RETRY, half) }]);
      state = first.state;
      expect(onTick(state, ["r1"], t0 + 100).actions).toEqual([{ kind: "wake", at: t0 + 500 }]);
      const due = onTick(state, ["r1"], t0 + 500);
      expect(due.actions).toEqual([{ kind: "send", ids: ["r1"] }]);
      const second = onRefusal(due.state, refusal(code), true, t0 + 600, half);
      expect(second.actions).toEqual([{ kind: "wake", at: t0 + 600 + backoffDelay(1, REPORT_RETRY, half) }]);
      const third = onRefusal(onTick(second.state, ["r1"], t0 + 10_000).state, refusal(code), true, t0 + 10_000, half);
      expect(third.actions).toEqual([{ kind: "wake", at: t0 + 10_000 + backoffDelay(2, REPORT_RETRY, half) }]);
    },
  );

  it("drops a report refused for good, and forgets an acknowledged one together with its retry", () => {
    expect(onRefusal(welcomed(["r1"]), refusal("invalid_frame"), true, 0, half).actions).toEqual([
      { kind: "forget", id: "r1", why: "refused" },
    ]);
    expect(onRefusal(welcomed(["r1"]), refusal("payload_too_large"), true, 0, half).actions).toEqual([
      { kind: "forget", id: "r1", why: "refused" },
    ]);
    const waiting = onRefusal(welcomed(["r1"]), refusal("unavailable"), true, 0, half).state;
    const acked = onAck(waiting, "r1");
    expect(acked.actions).toEqual([{ kind: "forget", id: "r1", why: "acknowledged" }]);
    expect(onTick(acked.state, [], 1_000_000).actions).toEqual([]);
  });

  it("ignores errors about nothing queued, other codes, and refusals while not connected", () => {
    expect(onRefusal(welcomed(["r1"]), refusal("unavailable", "gone"), false, 0, half).actions[0]).toMatchObject({ kind: "ignore" });
    expect(onRefusal(welcomed(["r1"]), { type: "error", code: "unavailable", message: "m" }, true, 0, half).actions[0]).toMatchObject({
      kind: "ignore",
    });
    expect(onRefusal(welcomed(["r1"]), refusal("internal"), true, 0, half).actions[0]).toMatchObject({
      kind: "ignore",
      why: expect.stringMatching(/next connection/),
    });
    expect(onRefusal(DISCONNECTED, refusal("unavailable"), true, 0, half).actions[0]).toMatchObject({ kind: "ignore" });
  });

  it("starts over on a new connection: everything still queued goes out once after its welcome, retries included", () => {
    const waiting = onRefusal(welcomed(["r1", "r2"]), refusal("unavailable"), true, 0, half).state;
    expect(waiting.retry.size).toBe(1);
    const next = onWelcome(onConnected(), ["r1", "r2"]);
    expect(next.actions[0]).toEqual({ kind: "send", ids: ["r1", "r2"] });
    expect(next.state.retry.size).toBe(0);
  });

  it("sends due retries oldest queued first and wakes for the rest", () => {
    let state = welcomed(["a", "b", "c"]);
    state = onRefusal(state, refusal("unavailable", "c"), true, 0, half).state;
    state = onRefusal(state, refusal("unavailable", "a"), true, 0, half).state;
    state = onRefusal(onRefusal(state, refusal("unavailable", "b"), true, 0, half).state, refusal("unavailable", "b"), true, 0, half).state;
    expect(onTick(state, ["a", "b", "c"], 600).actions).toEqual([
      { kind: "send", ids: ["a", "c"] },
      { kind: "wake", at: 1_000 },
    ]);
  });
});
