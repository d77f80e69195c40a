import { MAX_FRAME_BYTES, ServerFrame } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { helloFrame, reportFrame, usbFail, usbPass } from "../testing/frames.js";
import { closeReason } from "./connection.js";
import { decodeAgentFrame, encodeServerFrame, errorFrame } from "./frames.js";

const bytes = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value));

describe("decodeAgentFrame", () => {
  it.each([
    ["hello", helloFrame("device-0001", "c".repeat(43))],
    ["report", reportFrame([usbFail("S1")])],
    ["heartbeat", { type: "heartbeat", policyVersion: 3 }],
    ["policy-applied", { type: "policy-applied", version: 3 }],
    ["goodbye", { type: "goodbye", reason: "service-stop" }],
    ["error", { type: "error", code: "invalid_policy", message: "refused" }],
  ])("accepts a valid %s frame", (type, frame) => {
    const decoded = decodeAgentFrame(bytes(frame));
    expect(decoded.ok && decoded.frame.type).toBe(type);
  });

  it("accepts a frame delivered in fragments", () => {
    const whole = bytes({ type: "heartbeat", policyVersion: 1 });
    expect(decodeAgentFrame([whole.subarray(0, 5), whole.subarray(5)]).ok).toBe(true);
  });

  it.each([
    ["garbage bytes", Buffer.from([0xff, 0x00, 0x13, 0x37]), /not a JSON frame/],
    ["truncated JSON", bytes('{"type":"report","id":'), /not a JSON frame/],
    ["a JSON array", bytes([1, 2]), /expected object/i],
    ["an unknown type", bytes({ type: "shout" }), /type/],
    ["a report without results", bytes({ ...reportFrame([usbPass()]), results: [] }), /results/],
    ["a report with a bad time", bytes({ ...reportFrame([usbPass()]), observedAt: "yesterday" }), /observedAt/],
    ["a heartbeat without version", bytes({ type: "heartbeat" }), /policyVersion/],
  ])("refuses %s as invalid_frame, naming the problem", (_name, data, message) => {
    const decoded = decodeAgentFrame(data);
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.code).toBe("invalid_frame");
    expect(decoded.message).toMatch(message);
  });

  it("names the report a refusal refers to", () => {
    const report = { ...reportFrame([usbPass()]), observedAt: "yesterday" };
    const decoded = decodeAgentFrame(bytes(report));
    expect(!decoded.ok && decoded.ref).toBe(report.id);
  });

  it.each([
    ["a check listed twice", [usbPass(), usbPass()], /appears twice/],
    ["a pass with violations", [{ ...usbFail("S1"), status: "pass" as const }], /passing result lists no violations/],
    ["a fail without violations", [{ ...usbPass(), status: "fail" as const }], /failing result lists at least one/],
    ["an unknown with violations", [{ ...usbFail("S1"), status: "unknown" as const }], /unknown result lists no violations/],
  ])("refuses an incoherent report: %s", (_name, results, message) => {
    const report = reportFrame(results);
    const decoded = decodeAgentFrame(bytes(report));
    expect(!decoded.ok && [decoded.code, decoded.ref]).toEqual(["invalid_frame", report.id]);
    expect(!decoded.ok && decoded.message).toMatch(message);
  });
});

describe("server frames", () => {
  it("encodes a frame once as UTF-8 JSON that validates as a ServerFrame", () => {
    const encoded = encodeServerFrame({ type: "ack", id: "0123456789" });
    expect(ServerFrame.parse(JSON.parse(encoded.toString("utf8")))).toEqual({ type: "ack", id: "0123456789" });
  });

  it("keeps error messages within the protocol's 2,000 characters", () => {
    const frame = errorFrame("invalid_frame", "x".repeat(MAX_FRAME_BYTES));
    expect(ServerFrame.safeParse(frame).success).toBe(true);
    expect(frame.message.length).toBe(2_000);
  });

  it.each([
    ["quotes a NUL the peer sent (a JSON parse error does)", "Unexpected token '\u0000' in JSON"],
    ["is cut in the middle of a surrogate pair", `${"x".repeat(1_998)}😀😀`],
    ["holds a lone surrogate", "bad \ud800 text"],
  ])("answers an error frame the agent's schema accepts when its message %s", (_name, message) => {
    expect(ServerFrame.safeParse(errorFrame("invalid_frame", message)).success).toBe(true);
  });

  it("cuts close reasons to 123 bytes at a character boundary", () => {
    expect(Buffer.byteLength(closeReason("é".repeat(100)))).toBeLessThanOrEqual(123);
    expect(closeReason("short")).toBe("short");
  });
});
