import { describe, expect, it } from "vitest";
import { type AgentSession, AgentRegistry } from "./registry.js";

class FakeSession implements AgentSession {
  readonly sent: Buffer[] = [];
  closedWith: [number, string] | undefined;
  policySent: number | undefined;
  constructor(readonly deviceId: string) {}
  sendBytes(bytes: Buffer): void {
    this.sent.push(bytes);
  }
  close(code: number, reason: string): void {
    this.closedWith = [code, reason];
  }
  notePolicySent(version: number): void {
    this.policySent = version;
  }
}

describe("AgentRegistry", () => {
  it("keys sessions by device id and answers the one a reconnect replaced", () => {
    const registry = new AgentRegistry();
    const first = new FakeSession("dev-1");
    const second = new FakeSession("dev-1");
    expect(registry.add(first)).toBeUndefined();
    expect(registry.add(second)).toBe(first);
    expect(registry.size).toBe(1);
    expect(registry.get("dev-1")).toBe(second);
  });

  it("does not let a replaced session's late close remove its successor", () => {
    const registry = new AgentRegistry();
    const first = new FakeSession("dev-1");
    const second = new FakeSession("dev-1");
    registry.add(first);
    registry.add(second);
    registry.remove(first);
    expect(registry.isConnected("dev-1")).toBe(true);
    registry.remove(second);
    expect(registry.isConnected("dev-1")).toBe(false);
  });

  it("broadcasts the same serialised bytes to every session", () => {
    const registry = new AgentRegistry();
    const sessions = ["a", "b", "c"].map((id) => new FakeSession(`dev-${id}`));
    for (const s of sessions) registry.add(s);
    expect(registry.broadcast({ type: "ack", id: "0123456789" })).toBe(3);
    const [first] = sessions[0]?.sent ?? [];
    expect(JSON.parse(String(first))).toEqual({ type: "ack", id: "0123456789" });
    for (const s of sessions) expect(s.sent[0]).toBe(first); // one buffer, not one per socket
  });

  it("disconnects a device with a code and reason", () => {
    const registry = new AgentRegistry();
    const s = new FakeSession("dev-1");
    registry.add(s);
    expect(registry.disconnect("dev-1", 4401, "revoked")).toBe(true);
    expect(s.closedWith).toEqual([4401, "revoked"]);
    expect(registry.disconnect("dev-1", 4401, "revoked")).toBe(false);
  });
});
