// The bare `ws` baselines, with the same client processes and agent count: connect-all and memory per idle socket, broadcast of the pushed bytes until all acked, durable-ack latency, and a restart storm with the same backoff.
import { fork } from "node:child_process";
import path from "node:path";
import type { ConnectAnswer, PacedAnswer, ReconnectAnswer } from "../client/commands.js";
import { ClientPool } from "../client/pool.js";
import { monoMs, sleep } from "../clock.js";
import { RpcClient } from "../ipc.js";
import type { BenchConfig } from "../options.js";
import { BENCH_DIST } from "../paths.js";
import { rssBytes } from "../proc/usage.js";
import { max, median, mergeCounts, percentile } from "../stats.js";
import { settledRss } from "./connect.js";
import { progress } from "./context.js";

export interface BareResult {
  connected: number;
  connectMs: number;
  perConnectionBytes: number;
  broadcastMs: number[];
  broadcastMedianMs: number;
  ackP50: number;
  ackP99: number;
  reconnectMs: number;
  reconnectFailures: Record<string, number>;
}

class BareServer {
  private constructor(readonly rpc: RpcClient) {}

  static async start(dbFile: string, port: number): Promise<{ server: BareServer; port: number }> {
    const child = fork(path.join(BENCH_DIST, "baseline/ws-server.js"), [], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      env: { ...process.env, BENCH_BARE_DB: dbFile },
    });
    const server = new BareServer(new RpcClient(child, "bare ws server"));
    const answer = await server.rpc.call<{ port: number }>("listen", { port }, 15_000);
    return { server, port: answer.port };
  }

  get pid(): number {
    return this.rpc.child.pid ?? -1;
  }

  async stop(): Promise<number> {
    const signalledAt = monoMs();
    const exited = new Promise<void>((resolve) => this.rpc.child.once("exit", () => resolve()));
    this.rpc.child.kill("SIGTERM");
    await exited;
    return signalledAt;
  }
}

export async function bareBaselines(
  config: BenchConfig,
  tmp: string,
  frame: string,
  runId: string,
  track: (dispose: () => void) => void,
): Promise<BareResult> {
  const dbFile = path.join(tmp, "bare-ws.db");
  const started = await BareServer.start(dbFile, 0);
  const port = started.port;
  let server = started.server;
  track(() => server.rpc.kill());
  const pool = await ClientPool.start({
    mode: "bare",
    processes: config.clientProcesses,
    agents: config.agents,
    url: `ws://127.0.0.1:${port}/`,
    baseUrl: "",
    secret: "",
    runId,
  });
  track(() => pool.kill());
  try {
    await sleep(config.settleMs / 2);
    const rssBefore = await settledRss(() => rssBytes(server.pid), config.rssSamples);
    progress(`bare ws: connecting ${config.agents} sockets`);
    const start = monoMs();
    const answers = await pool.all<ConnectAnswer>("connect", { concurrency: config.connectConcurrency, timeoutMs: 240_000 }, 250_000);
    const connectMs = max(answers.map((a) => a.lastWelcomeAt)) - start;
    const connected = answers.reduce((n, a) => n + a.connected, 0);
    await sleep(config.settleMs);
    const rssAfter = await settledRss(() => rssBytes(server.pid), config.rssSamples);

    const broadcastMs: number[] = [];
    for (let round = 0; round < config.pushRounds; round++) {
      const answer = await server.rpc.call<{ ms: number }>("broadcast", { text: frame, timeoutMs: 60_000 }, 65_000);
      broadcastMs.push(answer.ms);
      await sleep(500);
    }
    progress(`bare ws: broadcast of ${Buffer.byteLength(frame)} bytes acked by all in ${median(broadcastMs).toFixed(0)} ms (median)`);

    const pacedStart = monoMs() + 200;
    const paced = await pool.all<PacedAnswer>(
      "paced",
      { startAt: pacedStart, endAt: pacedStart + config.feedSeconds * 1000, rate: config.feedRate / pool.clients.length },
      config.feedSeconds * 1000 + 90_000,
    );
    const acks = paced.flatMap((p) => p.ackLatencies);

    progress("bare ws: restart storm");
    const signalledAt = await server.stop();
    ({ server } = await BareServer.start(dbFile, port));
    const back = await pool.all<ReconnectAnswer>("waitReconnected", { after: signalledAt, timeoutMs: 300_000 }, 310_000);
    const reconnectMs = max(back.map((b) => b.lastWelcomeAt)) - signalledAt;
    return {
      connected,
      connectMs,
      perConnectionBytes: (rssAfter - rssBefore) / Math.max(1, connected),
      broadcastMs,
      broadcastMedianMs: median(broadcastMs),
      ackP50: percentile(acks, 50),
      ackP99: percentile(acks, 99),
      reconnectMs,
      reconnectFailures: mergeCounts(back.map((b) => b.failures)),
    };
  } finally {
    await pool.stop();
    server.rpc.kill();
  }
}
