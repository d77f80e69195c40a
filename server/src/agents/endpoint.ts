// The agent channel endpoint: WebSocket upgrades on GET /api/v1/agent, liveness pings, orderly shutdown.
import { type IncomingMessage, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import {
  AGENT_CHANNEL_PATH,
  type ErrorCode,
  ERROR_TRANSPORT,
  HELLO_NONCE_HEADER,
  MAX_FRAME_BYTES,
  reconnectReason,
  reconnectWindowFor,
} from "@wegroup/shared";
import { WebSocketServer } from "ws";
import { newHelloNonce } from "../auth/device-proof.js";
import type { Logger } from "../logger.js";
import { AgentConnection, CLOSE_GOING_AWAY, type ConnectionDeps } from "./connection.js";

export interface EndpointDeps extends ConnectionDeps {
  logger: Logger;
  pingIntervalMs: number;
}

export class AgentEndpoint {
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
  readonly #connections = new Set<AgentConnection>();
  /** The nonce each pending upgrade answers with, until its connection exists. */
  readonly #nonces = new WeakMap<IncomingMessage, string>();
  readonly #sweep: NodeJS.Timeout;
  #accepting = true;
  #nextId = 1;

  constructor(private readonly deps: EndpointDeps) {
    this.#sweep = setInterval(() => this.#pingAll(), deps.pingIntervalMs);
    this.#sweep.unref();
    // A fresh nonce in every upgrade answer: a device with a key signs it in its hello (no extra round trip).
    this.#wss.on("headers", (headers, req) => {
      const nonce = this.#nonces.get(req);
      if (nonce !== undefined) headers.push(`${HELLO_NONCE_HEADER}: ${nonce}`);
    });
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Wire to the HTTP server's `upgrade` event. */
  readonly handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on("error", () => socket.destroy());
    const path = pathOf(req.url);
    if (path !== AGENT_CHANNEL_PATH) {
      reject(socket, "not_found", `no WebSocket endpoint at ${path}; agents connect to ${AGENT_CHANNEL_PATH}`);
      return;
    }
    if (!this.#accepting) {
      reject(socket, "unavailable", "the server is shutting down; reconnect shortly");
      return;
    }
    const nonce = newHelloNonce();
    this.#nonces.set(req, nonce);
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      const bindings = { conn: this.#nextId++, remote: req.socket.remoteAddress };
      const connection = new AgentConnection(ws, this.deps, this.deps.logger, bindings, nonce);
      this.#connections.add(connection);
      void connection.closed.then(() => this.#connections.delete(connection));
    });
  };

  /** Stop taking frames and upgrades: what was taken is written and acknowledged, the rest the agents resend. */
  drain(): void {
    this.#accepting = false;
    for (const c of this.#connections) c.drain();
  }

  /**
   * Closes every connection (1001, going away) and waits for their closing handshakes at most `graceMs`, then cuts the
   * rest: by now every report taken was committed and acknowledged, so the handshake is a courtesy, and a restart's
   * downtime is what a whole fleet waits out. `restartMs`: when a restarted server may listen again (the reconnect
   * window starts there).
   */
  async close({ graceMs = 500, restartMs = 1_000 }: { graceMs?: number; restartMs?: number } = {}): Promise<void> {
    this.drain();
    clearInterval(this.#sweep);
    const all = [...this.#connections];
    // Herd control: the fleet is told to come back spread over what this server (or its successor) can take.
    const reason = reconnectReason("server shutting down", reconnectWindowFor(all.length, restartMs));
    for (const c of all) c.close(CLOSE_GOING_AWAY, reason);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.all(all.map((c) => c.closed)), timeout]);
    clearTimeout(timer);
    for (const c of this.#connections) c.terminate();
    this.#wss.close();
  }

  #pingAll(): void {
    for (const c of this.#connections) {
      if (!c.alive) {
        c.terminate();
        continue;
      }
      c.alive = false;
      c.ping();
    }
  }
}

function pathOf(url: string | undefined): string {
  try {
    return new URL(url ?? "/", "http://localhost").pathname;
  } catch {
    return url ?? "/";
  }
}

/** Answers a refused upgrade as plain HTTP with the usual error body. */
function reject(socket: Duplex, code: ErrorCode, message: string): void {
  const status = ERROR_TRANSPORT[code].http;
  const body = JSON.stringify({ error: { code, message } });
  // Closed once the answer is out: a client that keeps its end open must not keep the socket (and a stopping server) waiting.
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? code}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}
