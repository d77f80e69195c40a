// The agent's channel against a real WebSocket server on loopback: hello with the upgrade's nonce, frames validated,
// reconnects with the backoff, a goodbye that leaves before the close, and a refused credential named.
import { AgentFrame, HELLO_NONCE_HEADER, type HelloFrame, reconnectReason, type ServerFrame } from "@wegroup/shared";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import type { ChannelState } from "../service/channel.js";
import { Connection } from "../service/connection.js";

const hello = (nonce: string | undefined): HelloFrame => ({
  type: "hello",
  protocol: 1,
  deviceId: "device-0001",
  credential: "credential-0123456789",
  agentVersion: "0.0.0-test",
  policyVersion: 0,
  device: { hostname: "lt-test", platform: "linux", agentVersion: "0.0.0-test" },
  ...(nonce === undefined ? {} : { signature: `${nonce}`.padEnd(86, "A").slice(0, 86) }),
});

async function until(predicate: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("Connection", () => {
  let wss: WebSocketServer | undefined;
  let connection: Connection | undefined;
  const heard: AgentFrame[] = [];
  const sockets: WebSocket[] = [];
  const lines: string[] = [];

  async function serve(nonce: string | undefined): Promise<string> {
    wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    if (nonce !== undefined) wss.on("headers", (headers) => headers.push(`${HELLO_NONCE_HEADER}: ${nonce}`));
    wss.on("connection", (ws) => {
      sockets.push(ws);
      ws.on("message", (data: Buffer) => heard.push(AgentFrame.parse(JSON.parse(data.toString("utf8")))));
    });
    await new Promise<void>((resolve) => wss?.once("listening", () => resolve()));
    const address = wss.address();
    return `ws://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}/api/v1/agent`;
  }

  function connect(url: string): { states: [ChannelState, string | undefined][]; frames: ServerFrame[]; invalid: [string, unknown][] } {
    const seen = { states: [] as [ChannelState, string | undefined][], frames: [] as ServerFrame[], invalid: [] as [string, unknown][] };
    connection = new Connection({
      url,
      hello,
      logger: pino({ level: "info" }, { write: (l: string) => void lines.push(l) }),
      backoff: { baseMs: 20, capMs: 40 },
      random: () => 0,
    });
    connection.on("state", (state, detail) => seen.states.push([state, detail]));
    connection.on("frame", (frame) => seen.frames.push(frame));
    connection.on("invalid", (detail, raw) => seen.invalid.push([detail, raw]));
    connection.start();
    return seen;
  }

  afterEach(async () => {
    await connection?.stop();
    connection = undefined;
    for (const s of sockets.splice(0)) s.terminate();
    await new Promise<void>((resolve) => (wss === undefined ? resolve() : wss.close(() => resolve())));
    wss = undefined;
    heard.length = 0;
    lines.length = 0;
  });

  it("sends the hello first, signed over the nonce of the upgrade answer", async () => {
    const url = await serve("nonce-1234");
    connect(url);
    await until(() => heard.length > 0, "the hello");
    expect(heard[0]).toMatchObject({ type: "hello", deviceId: "device-0001" });
    expect((heard[0] as HelloFrame).signature?.startsWith("nonce-1234")).toBe(true);
  });

  it("hands on valid frames, reports invalid ones with their detail, and is connected only once accepted", async () => {
    const url = await serve(undefined);
    const seen = connect(url);
    await until(() => sockets.length === 1 && heard.length === 1, "the connection");
    expect(connection?.state).toBe("connecting");
    expect(connection?.send({ type: "heartbeat", policyVersion: 0 })).toBe(true);
    sockets[0]?.send(
      JSON.stringify({
        type: "welcome",
        deviceId: "device-0001",
        serverTime: new Date().toISOString(),
        heartbeatSeconds: 60,
        policyVersion: 0,
      }),
    );
    sockets[0]?.send(JSON.stringify({ type: "ack", id: 5 }));
    sockets[0]?.send("not json");
    sockets[0]?.send(Buffer.from([1, 2, 3]), { binary: true });
    await until(() => seen.frames.length === 1 && seen.invalid.length === 3, "the frames");
    expect(seen.frames[0]?.type).toBe("welcome");
    expect(seen.invalid.map(([detail]) => detail)).toEqual([expect.stringMatching(/id/), "not JSON", "binary frame"]);
    expect(seen.invalid[0]?.[1]).toEqual({ type: "ack", id: 5 });
    connection?.accepted();
    expect(connection?.state).toBe("connected");
    expect(connection?.isOpen).toBe(true);
  });

  it("reconnects after the server drops it, saying when, and a refused credential says to enroll again", async () => {
    const url = await serve(undefined);
    const seen = connect(url);
    await until(() => sockets.length === 1, "the first connection");
    sockets[0]?.close(4401, "unauthorized");
    // The server sees the socket before the hello on it arrives: wait for the hello, then look.
    await until(() => sockets.length === 2 && heard.filter((f) => f.type === "hello").length === 2, "the reconnection's hello");
    expect(seen.states.map(([s]) => s)).toEqual(["connecting", "waiting", "connecting"]);
    expect(seen.states[1]?.[1]).toMatch(/^closed \(4401 unauthorized\); reconnecting in 0\.0 s$/);
    expect(lines.some((l) => l.includes("enroll again"))).toBe(true);
    expect(heard.filter((f) => f.type === "hello")).toHaveLength(2);
  });

  it("comes back when a stopping server says to (herd control), not at its own backoff's pace", async () => {
    const url = await serve(undefined);
    const seen = connect(url);
    await until(() => sockets.length === 1, "the first connection");
    // random() is 0 in these tests: the first moment of the window the server announced.
    sockets[0]?.close(1001, reconnectReason("server shutting down", { minMs: 300, maxMs: 900 }));
    const closedAt = Date.now();
    await until(() => sockets.length === 2, "the reconnection");
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(280);
    expect(seen.states[1]?.[1]).toMatch(/^closed \(1001 server shutting down \(reconnect in 300-900 ms\)\); reconnecting in 0\.3 s$/);
  });

  it("sends its last frame before closing for good, and then sends nothing and does not reconnect", async () => {
    const url = await serve(undefined);
    connect(url);
    await until(() => heard.length === 1, "the hello");
    const closed = new Promise<number>((resolve) => sockets[0]?.once("close", (code) => resolve(code)));
    await connection?.stop({ type: "goodbye", reason: "service-stop" });
    expect(await closed).toBe(1000);
    expect(heard.map((f) => f.type)).toEqual(["hello", "goodbye"]);
    expect(connection?.state).toBe("stopped");
    expect(connection?.send({ type: "heartbeat", policyVersion: 0 })).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sockets).toHaveLength(1);
  });
});
