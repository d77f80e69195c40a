// A scripted agent for tests: speaks the real protocol over a real WebSocket and waits for frames with a bound.
import { HELLO_NONCE_HEADER, type HelloFrame, ServerFrame } from "@wegroup/shared";
import type { TestDeviceKey } from "./device-key.js";
import WebSocket from "ws";
import { helloFrame } from "./frames.js";
import { withTimeout } from "./wait.js";

type FrameOf<T extends ServerFrame["type"]> = Extract<ServerFrame, { type: T }>;

export class TestAgent {
  readonly frames: ServerFrame[] = [];
  readonly #waiters: (() => void)[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  /** The nonce the server's upgrade answer carried (a keyed device signs it in its hello). */
  nonce: string | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on("upgrade", (res) => {
      const header = res.headers[HELLO_NONCE_HEADER];
      this.nonce = typeof header === "string" ? header : undefined;
    });
    ws.on("message", (data: Buffer) => {
      this.frames.push(ServerFrame.parse(JSON.parse(data.toString("utf8"))));
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => ws.on("close", (code, reason) => resolve({ code, reason: reason.toString("utf8") })));
    ws.on("error", () => {}); // the close that follows is what tests look at
  }

  static async connect(wsUrl: string): Promise<TestAgent> {
    const ws = new WebSocket(wsUrl, { maxPayload: 64 * 1024 * 1024 });
    const agent = new TestAgent(ws);
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        ws.once("open", () => resolve());
        ws.once("error", reject);
      }),
      5_000,
      `a WebSocket to ${wsUrl}`,
    );
    return agent;
  }

  /** Connects, says hello and waits for the welcome. */
  static async hello(wsUrl: string, deviceId: string, credential: string, over: Partial<HelloFrame> = {}): Promise<TestAgent> {
    const agent = await TestAgent.connect(wsUrl);
    agent.send(helloFrame(deviceId, credential, over));
    await agent.next("welcome");
    return agent;
  }

  /** Connects and says a hello signed with the device key over this connection's nonce; waits for the welcome. */
  static async signedHello(
    wsUrl: string,
    deviceId: string,
    credential: string,
    key: TestDeviceKey,
    over: Partial<HelloFrame> = {},
  ): Promise<TestAgent> {
    const agent = await TestAgent.connect(wsUrl);
    agent.send(helloFrame(deviceId, credential, { signature: key.signHello(agent.nonce ?? "", deviceId), ...over }));
    await agent.next("welcome");
    return agent;
  }

  send(frame: object | string | Buffer): void {
    this.ws.send(typeof frame === "string" || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame));
  }

  /** The first not yet taken frame of this type (and matching `where`), waiting for it at most `ms`. */
  async next<T extends ServerFrame["type"]>(type: T, where: (f: FrameOf<T>) => boolean = () => true, ms = 5_000): Promise<FrameOf<T>> {
    const take = (): FrameOf<T> | undefined => {
      const index = this.frames.findIndex((f) => f.type === type && where(f as FrameOf<T>));
      return index < 0 ? undefined : (this.frames.splice(index, 1)[0] as FrameOf<T>);
    };
    return withTimeout(
      (async () => {
        for (;;) {
          const found = take();
          if (found !== undefined) return found;
          await new Promise<void>((resolve) => this.#waiters.push(resolve));
        }
      })(),
      ms,
      `a "${type}" frame`,
    );
  }

  ack(id: string, ms = 5_000): Promise<FrameOf<"ack">> {
    return this.next("ack", (f) => f.id === id, ms);
  }

  waitClosed(ms = 5_000): Promise<{ code: number; reason: string }> {
    return withTimeout(this.closed, ms, "the connection to close");
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.close(1000);
    await this.waitClosed().catch(() => this.ws.terminate());
  }
}
