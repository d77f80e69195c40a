// Test support: a server that speaks the real protocol on a real socket but answers as a test scripts it (refusals, welcome floods, policy bursts, drops).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { AGENT_CHANNEL_PATH, type AgentFrame, type ServerFrame } from "@wegroup/shared";
import { type WebSocket, WebSocketServer } from "ws";

export interface ScriptedConnection {
  readonly index: number;
  readonly openedAt: number;
  closedAt?: number;
  readonly frames: AgentFrame[];
  send(frame: ServerFrame): void;
  close(): void;
}

export type Script = (conn: ScriptedConnection, frame: AgentFrame) => void;

export const SCRIPTED_DEVICE_ID = "device-scripted-0001";

export class ScriptedServer {
  readonly connections: ScriptedConnection[] = [];
  readonly #waiters = new Set<() => void>();
  readonly #wss = new WebSocketServer({ noServer: true });

  private constructor(
    private readonly http: Server,
    readonly url: string,
    private readonly script: Script,
  ) {}

  /** `script` sees every frame the agent sends (the hello first) on each connection. */
  static async start(script: Script): Promise<ScriptedServer> {
    const http = createServer((req, res) => {
      // Enrollment answers any body: what is scripted here is the agent channel.
      if (req.method === "POST" && req.url === "/api/v1/enroll") {
        req.resume();
        req.on("end", () => {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ deviceId: SCRIPTED_DEVICE_ID, credential: "scripted-credential-0123456789abcdef" }));
        });
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    const server = new ScriptedServer(http, `http://127.0.0.1:${(http.address() as AddressInfo).port}`, script);
    http.on("upgrade", (req, socket, head) => {
      if (req.url !== AGENT_CHANNEL_PATH) return socket.destroy();
      server.#wss.handleUpgrade(req, socket, head, (ws) => server.#accept(ws));
    });
    return server;
  }

  /** Frames of a type the agent sent, over every connection, in order. */
  received<T extends AgentFrame["type"]>(type: T): Extract<AgentFrame, { type: T }>[] {
    return this.connections.flatMap((c) => c.frames.filter((f): f is Extract<AgentFrame, { type: T }> => f.type === type));
  }

  /** Waits (bounded) until `check` holds; re-checked on every frame and connection event. */
  async until(check: () => boolean, ms: number, what: string): Promise<void> {
    if (check()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(wake);
        reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      }, ms);
      const wake = (): void => {
        if (!check()) return;
        clearTimeout(timer);
        this.#waiters.delete(wake);
        resolve();
      };
      this.#waiters.add(wake);
    });
  }

  async stop(): Promise<void> {
    for (const ws of this.#wss.clients) ws.terminate();
    this.#wss.close();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  #accept(ws: WebSocket): void {
    const conn: ScriptedConnection = {
      index: this.connections.length,
      openedAt: Date.now(),
      frames: [],
      send: (frame) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
      },
      close: () => ws.close(1011, "scripted drop"),
    };
    this.connections.push(conn);
    ws.on("message", (data: Buffer) => {
      const frame = JSON.parse(data.toString("utf8")) as AgentFrame;
      conn.frames.push(frame);
      this.script(conn, frame);
      this.#wake();
    });
    ws.on("close", () => {
      conn.closedAt = Date.now();
      this.#wake();
    });
    ws.on("error", () => {});
    this.#wake();
  }

  #wake(): void {
    for (const wake of [...this.#waiters]) wake();
  }
}

export function welcome(policyVersion = 1): ServerFrame {
  return { type: "welcome", deviceId: SCRIPTED_DEVICE_ID, serverTime: new Date().toISOString(), heartbeatSeconds: 60, policyVersion };
}
