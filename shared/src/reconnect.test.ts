import { describe, expect, it } from "vitest";
import { MAX_RECONNECT_WINDOW_MS, parseReconnectWindow, reconnectReason, reconnectWindowFor } from "./reconnect.js";

describe("reconnect windows (herd control)", () => {
  it("spreads a fleet over what the server takes a second, from when it listens again", () => {
    expect(reconnectWindowFor(10_000)).toEqual({ minMs: 1_000, maxMs: 6_000 });
    expect(reconnectWindowFor(3)).toEqual({ minMs: 1_000, maxMs: 2_000 });
    expect(reconnectWindowFor(10_000_000).maxMs).toBe(MAX_RECONNECT_WINDOW_MS);
  });

  it("round-trips through a close reason that stays within WebSocket's 123 bytes", () => {
    const reason = reconnectReason("server shutting down", { minMs: 1_000, maxMs: 6_000 });
    expect(reason).toBe("server shutting down (reconnect in 1000-6000 ms)");
    expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(123);
    expect(parseReconnectWindow(reason)).toEqual({ minMs: 1_000, maxMs: 6_000 });
  });

  it("believes no reason without a window, backwards, or beyond five minutes", () => {
    for (const reason of [
      "",
      "server shutting down",
      "x (reconnect in 6000-1000 ms)",
      `x (reconnect in 0-${MAX_RECONNECT_WINDOW_MS + 1} ms)`,
      "x (reconnect in -1-5 ms)",
      "x (reconnect in 1000-6000 ms) trailing",
    ])
      expect(parseReconnectWindow(reason)).toBeUndefined();
  });
});
