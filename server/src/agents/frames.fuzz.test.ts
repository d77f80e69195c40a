// Agent frames on the server, fuzzed: any bytes decode to a frame the store can hold or to an error frame the agent can read.
import { AgentFrame, countViolations, isStorableText, MAX_INT32, MAX_VIOLATIONS_PER_REPORT, ServerFrame } from "@wegroup/shared";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { helloFrame, reportFrame, usbFail, usbPass } from "../testing/frames.js";
import { fuzz, mutatedJson, stringsOf } from "@wegroup/shared/testing";
import { decodeAgentFrame, errorFrame, reportProblem } from "./frames.js";

const VALID: object[] = [
  helloFrame("device-0001", "c".repeat(43)),
  reportFrame([
    usbFail("4C530001", "SER2"),
    { check: "screen-lock", status: "fail", violations: [{ subject: "alice", message: "m", observed: "o", expected: "e", rule: "r" }] },
  ]),
  reportFrame([usbPass()], { enforcement: [{ check: "usb-storage", subject: "4C530001", action: "eject", ok: false, detail: "busy" }] }),
  { type: "heartbeat", policyVersion: 3 },
  { type: "policy-applied", version: 3 },
  { type: "goodbye", reason: "service-stop" },
  { type: "error", code: "invalid_policy", message: "policy refused", ref: "abc" },
];

const numbersOf = (value: unknown): number[] =>
  typeof value === "number"
    ? [value]
    : Array.isArray(value)
      ? value.flatMap(numbersOf)
      : value !== null && typeof value === "object"
        ? Object.values(value).flatMap(numbersOf)
        : [];

/** What a peer could send: near-valid frames, any JSON, text, bytes (invalid UTF-8 included). */
const agentBytes: fc.Arbitrary<Buffer> = fc.oneof(
  fc
    .constantFrom(...VALID)
    .chain((f) => mutatedJson(f))
    .map((v) => Buffer.from(JSON.stringify(v) ?? "null")),
  fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? "null")),
  fc.string({ unit: "binary", maxLength: 300 }).map((s) => Buffer.from(s)),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
);

describe("agent frames on the server (fuzz)", () => {
  it("decodes any bytes into a frame the store can hold, or a coded error the agent can read", () => {
    fuzz("server: agent frames", agentBytes, (bytes) => {
      const decoded = decodeAgentFrame(bytes);
      if (!decoded.ok) {
        // The answer goes back to the agent, which validates it like any server frame.
        expect(ServerFrame.safeParse(errorFrame(decoded.code, decoded.message, decoded.ref)).success).toBe(true);
        return;
      }
      const frame = decoded.frame;
      expect(AgentFrame.safeParse(JSON.parse(JSON.stringify(frame))).success).toBe(true);
      for (const s of stringsOf(frame)) expect(isStorableText(s), JSON.stringify(s)).toBe(true);
      for (const n of numbersOf(frame)) expect(Math.abs(n)).toBeLessThanOrEqual(MAX_INT32);
      if (frame.type === "report") {
        expect(reportProblem(frame)).toBeUndefined();
        expect(countViolations(frame.results)).toBeLessThanOrEqual(MAX_VIOLATIONS_PER_REPORT);
      }
    });
  });
});
