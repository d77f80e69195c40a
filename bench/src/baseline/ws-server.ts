// The bare `ws` baseline server (a child process): holds idle sockets, broadcasts one buffer until all acked, and acks reports after a bare SQLite group commit.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { monoMs, withTimeout } from "../clock.js";
import { serveRpc } from "../ipc.js";
import { openBareReportsDb, type BareReportRow } from "./reports-db.js";

/** The product's group-commit window (server DEFAULT_TUNING): at most 256 items or 2 ms. */
const BATCH_MAX_ITEMS = 256;
const BATCH_MAX_DELAY_MS = 2;

const dbPath = process.env.BENCH_BARE_DB ?? ":memory:";
const db = openBareReportsDb(dbPath);
// GET /healthz answers 200, as the product's does, so that HAProxy's health check passes in front of bare servers too.
const http = createServer((req, res) => res.writeHead(req.url === "/healthz" ? 200 : 404).end());
const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
const sockets = new Set<WebSocket>();
let broadcastAcks = 0;
let onAck: (() => void) | undefined;
let nextDevice = 0;

const batch: { ws: WebSocket; row: BareReportRow }[] = [];
let batchTimer: NodeJS.Timeout | undefined;

function flush(): void {
  clearTimeout(batchTimer);
  batchTimer = undefined;
  const items = batch.splice(0, BATCH_MAX_ITEMS);
  if (items.length === 0) return;
  db.insertBatch(items.map((i) => i.row));
  for (const { ws, row } of items) ws.send(`{"type":"ack","id":"${row.id}"}`);
  if (batch.length > 0) setImmediate(flush);
}

wss.on("connection", (ws) => {
  sockets.add(ws);
  const deviceId = `bare-device-${nextDevice++}`;
  ws.on("close", () => sockets.delete(ws));
  ws.on("error", () => ws.terminate());
  ws.on("message", (data: Buffer) => {
    const text = data.toString("utf8");
    const frame = JSON.parse(text) as { type?: string; id?: string; observedAt?: string; policyVersion?: number };
    if (frame.type === "report") {
      const now = new Date().toISOString();
      batch.push({
        ws,
        row: {
          device_id: deviceId,
          id: frame.id ?? "",
          observed_at: frame.observedAt ?? now,
          received_at: now,
          policy_version: frame.policyVersion ?? 0,
          body: text,
        },
      });
      if (batch.length >= BATCH_MAX_ITEMS) flush();
      else batchTimer ??= setTimeout(flush, BATCH_MAX_DELAY_MS);
      return;
    }
    broadcastAcks++;
    onAck?.();
  });
});

serveRpc({
  listen: async (args: { port: number }) => {
    await new Promise<void>((resolve) => http.listen(args.port, "127.0.0.1", resolve));
    return { port: (http.address() as AddressInfo).port };
  },
  sockets: async () => ({ sockets: sockets.size }),
  /** The same bytes to every socket (serialised once), then the time until every socket has answered. */
  broadcast: async (args: { text: string; timeoutMs: number }) => {
    const bytes = Buffer.from(args.text, "utf8");
    const expected = sockets.size;
    broadcastAcks = 0;
    const startedAt = monoMs();
    const allAcked = new Promise<void>((resolve) => {
      onAck = () => {
        if (broadcastAcks >= expected) resolve();
      };
    });
    for (const ws of sockets) ws.send(bytes, { binary: false });
    await withTimeout(allAcked, args.timeoutMs, `${expected} bare sockets to ack the broadcast`);
    onAck = undefined;
    return { ms: monoMs() - startedAt, acked: broadcastAcks, sockets: expected };
  },
});
