// The bare `ws` baselines, with the same client processes and agent count: connect-all and memory per idle socket, broadcast of the pushed bytes until all acked, durable-ack latency, and a restart storm with the same backoff.
import { fork } from "node:child_process";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { ConnectAnswer, PacedAnswer, ReconnectAnswer } from "../client/commands.js";
import { ClientPool } from "../client/pool.js";
import { monoMs, sleep } from "../clock.js";
import { RpcClient } from "../ipc.js";
import type { BenchConfig } from "../options.js";
import { BENCH_DIST } from "../paths.js";
import { rssBytes } from "../proc/usage.js";
import { max, median, mergeCounts, percentile } from "../stats.js";
import { Haproxy } from "../proc/haproxy.js";
import { freePort } from "../proc/ports.js";
import { waitDroppedBack } from "./cluster-storm.js";
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

  kill(): void {
    this.rpc.kill();
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
  return config.instances > 1 ? bareBehindHaproxy(config, tmp, frame, runId, track) : bareSingle(config, tmp, frame, runId, track);
}

async function bareSingle(
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
    const loaded = await loadBare(
      config,
      pool,
      frame,
      () => rssBytes(server.pid),
      async (text) => {
        const answer = await server.rpc.call<{ ms: number }>("broadcast", { text, timeoutMs: 60_000 }, 65_000);
        return answer.ms;
      },
    );
    progress("bare ws: restart storm");
    const signalledAt = await server.stop();
    ({ server } = await BareServer.start(dbFile, port));
    const back = await pool.all<ReconnectAnswer>("waitReconnected", { after: signalledAt, timeoutMs: 300_000 }, 310_000);
    const reconnectMs = max(back.map((b) => b.lastWelcomeAt)) - signalledAt;
    return { ...loaded, reconnectMs, reconnectFailures: mergeCounts(back.map((b) => b.failures)) };
  } finally {
    await pool.stop();
    server.rpc.kill();
  }
}

/**
 * Several instances: as many bare ws servers behind the same HAProxy configuration, the clients connecting
 * through it; the storm kills one of them (SIGKILL) and waits for its sockets to come back through HAProxy.
 */
async function bareBehindHaproxy(
  config: BenchConfig,
  tmp: string,
  frame: string,
  runId: string,
  track: (dispose: () => void) => void,
): Promise<BareResult> {
  const servers: BareServer[] = [];
  const ports: number[] = [];
  for (let k = 1; k <= config.instances; k++) {
    const started = await BareServer.start(path.join(tmp, `bare-ws-${k}.db`), 0);
    track(() => started.server.kill());
    servers.push(started.server);
    ports.push(started.port);
  }
  const dir = path.join(tmp, "bare-haproxy");
  await mkdir(dir, { recursive: true });
  const haproxy = await Haproxy.start({
    dir,
    port: await freePort(),
    backends: ports.map((port, i) => ({ name: `bare-${i + 1}`, host: "127.0.0.1", port })),
    agents: config.agents,
  });
  track(() => haproxy.kill());
  const pool = await ClientPool.start({
    mode: "bare",
    processes: config.clientProcesses,
    agents: config.agents,
    url: `${haproxy.url.replace(/^http/, "ws")}/`,
    baseUrl: "",
    secret: "",
    runId,
  });
  track(() => pool.kill());
  try {
    const live = (): BareServer[] => servers.filter((s) => s.rpc.child.exitCode === null && s.rpc.child.signalCode === null);
    const loaded = await loadBare(
      config,
      pool,
      frame,
      async () => (await Promise.all(live().map((s) => rssBytes(s.pid)))).reduce((a, b) => a + b, 0),
      async (text) => {
        const answers = await Promise.all(live().map((s) => s.rpc.call<{ ms: number }>("broadcast", { text, timeoutMs: 60_000 }, 65_000)));
        return max(answers.map((a) => a.ms));
      },
    );
    const victim = servers[servers.length - 1] as BareServer;
    progress(`bare ws behind HAProxy: killing bare server ${servers.length} of ${servers.length}`);
    const { sockets } = await victim.rpc.call<{ sockets: number }>("sockets", {}, 10_000);
    const killedAt = monoMs();
    victim.kill();
    const back = await waitDroppedBack(pool, killedAt, sockets, 300_000);
    return { ...loaded, reconnectMs: back.lastWelcomeAt - killedAt, reconnectFailures: back.failures };
  } finally {
    await pool.stop();
    await haproxy.stop();
    for (const s of servers) s.kill();
  }
}

type Loaded = Omit<BareResult, "reconnectMs" | "reconnectFailures">;

/** Connect-all, memory per socket, the broadcast rounds and the paced durable acks, against whatever the pool reaches. */
async function loadBare(
  config: BenchConfig,
  pool: ClientPool,
  frame: string,
  rss: () => Promise<number>,
  broadcast: (text: string) => Promise<number>,
): Promise<Loaded> {
  await sleep(config.settleMs / 2);
  const rssBefore = await settledRss(rss, config.rssSamples);
  progress(`bare ws: connecting ${config.agents} sockets`);
  const start = monoMs();
  const answers = await pool.all<ConnectAnswer>("connect", { concurrency: config.connectConcurrency, timeoutMs: 240_000 }, 250_000);
  const connectMs = max(answers.map((a) => a.lastWelcomeAt)) - start;
  const connected = answers.reduce((n, a) => n + a.connected, 0);
  await sleep(config.settleMs);
  const rssAfter = await settledRss(rss, config.rssSamples);

  const broadcastMs: number[] = [];
  for (let round = 0; round < config.pushRounds; round++) {
    broadcastMs.push(await broadcast(frame));
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
  return {
    connected,
    connectMs,
    perConnectionBytes: (rssAfter - rssBefore) / Math.max(1, connected),
    broadcastMs,
    broadcastMedianMs: median(broadcastMs),
    ackP50: percentile(acks, 50),
    ackP99: percentile(acks, 99),
  };
}
