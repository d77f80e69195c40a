// The benchmark's command line (`npm run bench -- [--quick] …`), read once into a frozen configuration with the sizes of each phase.
import { parseArgs } from "node:util";

/** Groups of phases `--only` can select: the simulated fleet against the server (connect, push, ingest, feed, storm and their bare baselines), the real agent process, the evaluator in-process. */
export const PHASES = ["fleet", "agent", "evaluation"] as const;
export type Phase = (typeof PHASES)[number];

export interface BenchConfig {
  readonly quick: boolean;
  /** The phase groups this run measures (all unless `--only`). */
  readonly only: readonly Phase[];
  /** Simulated agents for connect, push, ingest and the storm. */
  readonly agents: number;
  /** Client processes holding them (1-4; 20,000 open files each). */
  readonly clientProcesses: number;
  /** Handshakes in flight per client process while connecting. */
  readonly connectConcurrency: number;
  /** Quiet time before memory is read, so that the last frames and GC have settled. */
  readonly settleMs: number;
  /** RSS is read this many times, 300 ms apart, and the median kept. */
  readonly rssSamples: number;
  /** How long the server's graceful stop may take in the storm before it is killed. */
  readonly stopGraceMs: number;
  readonly pushRounds: number;
  readonly ingestSeconds: number;
  /** Reports a second while the feed latency is measured. */
  readonly feedRate: number;
  readonly feedSeconds: number;
  /** Reports a second that keep flowing through the reconnect storm. */
  readonly stormRate: number;
  readonly sqliteRows: number;
  /** Rows of the realistic payload (about 16 KB each) the bare baseline inserts. */
  readonly payloadRows: number;
  readonly evaluationRuns: number;
  readonly agentCycles: number;
  /** How many of fixtures/bundles/demo-*.json the idle agent is measured on. */
  readonly agentBundles: number;
  readonly checkRuns: number;
  readonly db: string | undefined;
  /**
   * Server instances (default 1: one process, as before). More: that many compliance-server processes on one fresh
   * PostgreSQL schema of --db, behind a HAProxy the bench starts; agents, enrollment and the API go through it.
   */
  readonly instances: number;
  readonly profile: boolean;
  readonly serverLogLevel: string;
  readonly out: string;
  readonly keep: boolean;
  /** The whole run stops (and fails) after this long, whatever it is waiting for. */
  readonly timeLimitMs: number;
}

export const USAGE = `npm run bench -- [--quick] [--only fleet,agent,evaluation] [--agents N] [--clients 1-4] [--db postgres://…] [--instances N] [--profile] [--log-level info] [--out FILE] [--keep]
  --quick      small counts (200 agents), under a minute; judges no target
  --only LIST  run only these phase groups (comma-separated): fleet (connect, push, ingest, realistic payload, feed, storm
               and their bare baselines), agent (the real agent process), evaluation (the software evaluator)
  --agents N   simulated agents (default 10000; --quick 200)
  --clients K  client processes holding them (default 2; --quick 1)
  --db URL     passed to compliance-server (default: SQLite in a temporary data dir)
  --instances N  N compliance-server processes on --db (PostgreSQL; a fresh schema, dropped after) behind a
               HAProxy the bench starts (Debian's haproxy package); one instance is killed in the storm (default 1)
  --profile    run the server with --cpu-prof and print where its time went during push and ingest
  --log-level  the server's log level (default info, as deployed)
  --out FILE   where the results go (default bench/results.json)
  --keep       keep the temporary data dir (logs, databases, profiles)`;

export function parseOptions(argv: readonly string[], defaultOut: string): BenchConfig {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      agents: { type: "string" },
      clients: { type: "string" },
      db: { type: "string" },
      instances: { type: "string" },
      profile: { type: "boolean", default: false },
      "log-level": { type: "string", default: "info" },
      out: { type: "string" },
      keep: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help === true) throw new UsageRequest();
  const quick = values.quick === true;
  const agents = positiveInt(values.agents, quick ? 200 : 10_000, "--agents");
  const clientProcesses = positiveInt(values.clients, quick ? 1 : 2, "--clients");
  if (clientProcesses > 4) throw new Error("--clients: at most 4 client processes");
  if (agents > clientProcesses * 15_000)
    throw new Error(`--agents: at most 15,000 per client process (open-file limit 20,000); use more --clients`);
  const only = parseOnly(values.only);
  const instances = positiveInt(values.instances, 1, "--instances");
  if (instances > 8) throw new Error("--instances: at most 8 (2 cores)");
  if (instances > 1 && !/^postgres(ql)?:\/\//.test(values.db ?? ""))
    throw new Error("--instances: several instances share one PostgreSQL database; give --db postgres://…");
  return Object.freeze({
    quick,
    only,
    agents,
    clientProcesses,
    connectConcurrency: 200,
    settleMs: quick ? 1_000 : 3_000,
    rssSamples: quick ? 3 : 5,
    stopGraceMs: quick ? 3_000 : 10_000,
    pushRounds: quick ? 2 : 5,
    ingestSeconds: quick ? 2 : 10,
    feedRate: 1_000,
    feedSeconds: quick ? 2 : 10,
    stormRate: quick ? 50 : 100,
    sqliteRows: quick ? 20_000 : 200_000,
    payloadRows: quick ? 2_000 : 20_000,
    evaluationRuns: quick ? 10 : 30,
    agentCycles: quick ? 3 : 10,
    agentBundles: quick ? 1 : 3,
    checkRuns: quick ? 1 : 3,
    db: values.db,
    instances,
    profile: values.profile === true,
    serverLogLevel: values["log-level"] ?? "info",
    out: values.out ?? defaultOut,
    keep: values.keep === true,
    timeLimitMs: quick ? 110_000 : 15 * 60_000,
  });
}

export class UsageRequest extends Error {
  constructor() {
    super(USAGE);
    this.name = "UsageRequest";
  }
}

function parseOnly(value: string | undefined): readonly Phase[] {
  if (value === undefined) return PHASES;
  const names = value
    .split(",")
    .map((n) => n.trim())
    .filter((n) => n !== "");
  const unknown = names.filter((n) => !(PHASES as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0)
    throw new Error(`--only: expected some of ${PHASES.join(", ")} (comma-separated), got "${value}"`);
  return PHASES.filter((phase) => names.includes(phase));
}

function positiveInt(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: expected a positive whole number, got "${value}"`);
  return n;
}
