// Turns the phases' measurements into the figures of the table (value, same-run baseline, ratio, target).
import { type Figure, figure } from "./figures.js";
import type { AgentResult } from "./phases/agent-process.js";
import type { BareResult } from "./phases/bare.js";
import type { ConnectResult } from "./phases/connect.js";
import type { EvaluationResult } from "./phases/evaluation.js";
import type { LatencyResult } from "./phases/feed.js";
import type { IngestResult } from "./phases/ingest.js";
import type { PayloadResult } from "./phases/payload.js";
import type { PushResult } from "./phases/push.js";
import type { PageRead, ReadsResult } from "./phases/reads.js";
import type { StormResult } from "./phases/storm.js";
import type { InsertBaseline } from "./baseline/sqlite-inserts.js";
import type { ClusterInfo } from "./cluster-run.js";
import { describeCounts, median } from "./stats.js";

/** What the simulated fleet measured against the server, with its bare baselines. */
export interface FleetMeasurements {
  connect: ConnectResult;
  push: PushResult;
  ingest: IngestResult;
  payload: PayloadResult;
  latency: LatencyResult;
  storm: StormResult;
  /** The first page of the cockpit's lists, read with the fleet connected and its violations stored. */
  reads: ReadsResult;
  bare: BareResult;
  inserts: InsertBaseline;
  /** The bare inserts of the realistic payload's bodies. */
  payloadInserts: InsertBaseline;
  /** `--instances N`: several instances behind HAProxy (the bare baselines too). */
  cluster?: ClusterInfo;
}

/** Each group is there when `--only` selected it. */
export interface Measurements {
  fleet?: FleetMeasurements;
  agent?: AgentResult;
  evaluation?: EvaluationResult;
}

const KB = 1024;
const MB = 1024 * 1024;
const fixed = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toFixed(digits) : "—");

export function buildFigures(m: Measurements, judge: boolean): Figure[] {
  return [
    ...(m.fleet !== undefined ? fleetFigures(m.fleet, judge) : []),
    ...(m.agent !== undefined ? agentFigures(m.agent, judge) : []),
    ...(m.evaluation !== undefined ? evaluationFigures(m.evaluation, judge) : []),
    ...(m.fleet !== undefined ? stormFigures(m.fleet, judge) : []),
  ];
}

function fleetFigures(m: FleetMeasurements, judge: boolean): Figure[] {
  const { connect, push, ingest, payload, latency, bare, inserts, payloadInserts, cluster } = m;
  // Several instances: the bare ws servers stand behind the same HAProxy, as many as the instances.
  const behind = cluster === undefined ? "" : ` ×${cluster.instances} behind the same HAProxy`;
  const figures: Figure[] = [
    figure(
      {
        id: "agents-connected",
        label:
          cluster === undefined ? "agents connected to one instance" : `agents connected via HAProxy to ${cluster.instances} instances`,
        unit: "",
        value: connect.connected,
        baseline: bare.connected,
        baselineLabel: `bare ws${behind}`,
        target: cluster === undefined ? { text: "≥ 10,000", test: (v) => v >= 10_000 } : { text: "≥ 20,000", test: (v) => v >= 20_000 },
        note:
          cluster === undefined
            ? undefined
            : `PostgreSQL schema ${cluster.schema}; HAProxy maxconn ${cluster.haproxyMaxconn} with an open-file limit of ${cluster.haproxyFileLimit}${cluster.haproxyRaisesLimit ? "" : " (it cannot raise it here: no CAP_SYS_RESOURCE; two descriptors per proxied agent)"}`,
      },
      judge,
    ),
    figure(
      {
        id: "connect-all",
        label: "connect-all time (all welcomed)",
        unit: "s",
        value: connect.connectMs / 1000,
        baseline: bare.connectMs / 1000,
        baselineLabel: `bare ws${behind}`,
        note: `${connect.attempts} connection attempts for ${connect.agents} agents (failed: ${describeCounts(connect.failures)}; listen-queue overflows: ${connect.listenOverflows ?? "?"}); policy pushed on hello applied by all at ${fixed(connect.policyOnConnectMs / 1000, 2)} s, full-state reports acked by ${fixed(connect.fullStateAckedMs / 1000, 2)} s; enrollment of all took ${fixed(connect.enrollMs / 1000, 1)} s`,
      },
      judge,
    ),
    figure(
      {
        id: "server-rss-per-connection",
        label: cluster === undefined ? "server RSS per connection" : "server RSS per connection (all instances)",
        unit: "KB",
        value: connect.perConnectionBytes / KB,
        baseline: bare.perConnectionBytes / KB,
        baselineLabel: `bare ws${behind}, idle sockets`,
        target: { text: "≤ 30 KB", test: (v) => v <= 30 },
        note: `server RSS ${fixed(connect.rssBeforeBytes / MB)} MB before connecting, ${fixed(connect.rssAfterBytes / MB)} MB with ${connect.connected} agents`,
      },
      judge,
    ),
    figure(
      {
        id: "policy-push",
        label: "policy push → last policy-applied",
        unit: "ms",
        value: push.medianMs,
        baseline: bare.broadcastMedianMs,
        baselineLabel: `bare ws${behind} broadcast, same bytes`,
        target: { text: "≤ 2 s and ≤ 2× bare", test: (v, r) => v <= 2_000 && r !== null && r <= 2 },
        note: `PUT /api/v1/policy of ${Buffer.byteLength(push.frame)} bytes to ${connect.connected} agents, median of ${push.rounds} rounds [${push.roundsMs.map((x) => fixed(x)).join(", ")}] ms (bare [${bare.broadcastMs.map((x) => fixed(x)).join(", ")}]); rollout API showed none pending by ${fixed(median(push.recordedMs))} ms (median, 100 ms polls)`,
      },
      judge,
    ),
    figure(
      {
        id: "durable-reports",
        label: "reports stored + acked (durable)",
        unit: "/s",
        value: ingest.reportsPerSecond,
        baseline: inserts.rowsPerSecond,
        baselineLabel: `bare better-sqlite3, ${inserts.batchSize}/txn`,
        target: { text: "≥ 5,000/s and ≥ 0.5× bare", test: (v, r) => v >= 5_000 && r !== null && r >= 0.5 },
        note: `${ingest.ackedInWindow} acks in ${fixed(ingest.seconds, 1)} s with ${ingest.inFlight} reports in flight; baseline: ${inserts.rows} rows, WAL, synchronous=FULL`,
      },
      judge,
    ),
    figure(
      {
        id: "payload-reports",
        label: "realistic reports stored + acked (durable)",
        unit: "/s",
        value: payload.reportsPerSecond,
        baseline: payloadInserts.rowsPerSecond,
        baselineLabel: `bare better-sqlite3, same bodies, ${payloadInserts.batchSize}/txn`,
        note: `every agent's full state with the built agent's result on ${payload.bundle} (${payload.titles ?? "?"} software titles judged, up to ${payload.violations} violations, ~4 in 5 of the unapproved titles per agent); ${payload.ackedInWindow} acks in ${fixed(payload.seconds, 1)} s with ${payload.inFlight} in flight, after every agent's first such report (its violations opening) was acked in ${fixed(payload.primeMs / 1000, 2)} s (${payload.primeAcked} of ${payload.primed}); baseline: ${payloadInserts.rows} rows of ${fixed(payloadInserts.bodyBytes)} bytes, reports table only`,
      },
      judge,
    ),
    figure(
      {
        id: "payload-bytes",
        label: "  … bytes per realistic report",
        unit: "B",
        value: payload.bytesPerReport,
        baseline: payload.limitBytes,
        baselineLabel: "protocol MAX_FRAME_BYTES",
        target: { text: "< MAX_FRAME_BYTES", test: (v) => v < payload.limitBytes && payload.maxFrameBytes < payload.limitBytes },
        note: `mean frame sent; the largest (every violation of the result) is ${payload.maxFrameBytes} bytes`,
      },
      judge,
    ),
  ];
  if (latency.feed !== null) {
    figures.push(
      figure(
        {
          id: "feed-p50",
          label: `report → feed event p50 @${fixed(latency.rate)}/s`,
          unit: "ms",
          value: latency.feed.p50,
          baseline: bare.ackP50,
          baselineLabel: `bare ws${behind} + SQLite commit → ack`,
        },
        judge,
      ),
      figure(
        {
          id: "feed-p99",
          label: `report → feed event p99 @${fixed(latency.rate)}/s`,
          unit: "ms",
          value: latency.feed.p99,
          baseline: bare.ackP99,
          baselineLabel: `bare ws${behind} + SQLite commit → ack`,
          target: { text: "≤ 100 ms", test: (v) => v <= 100 },
          note: `${latency.feed.matched} opened violations matched on GET /api/v1/violations/stream`,
        },
        judge,
      ),
    );
  }
  figures.push(
    figure(
      {
        id: "ack-p50",
        label: `report → ack p50 @${fixed(latency.rate)}/s`,
        unit: "ms",
        value: latency.ackP50,
        baseline: bare.ackP50,
        baselineLabel: `bare ws${behind} + SQLite commit → ack`,
      },
      judge,
    ),
    figure(
      {
        id: "ack-p99",
        label: `report → ack p99 @${fixed(latency.rate)}/s`,
        unit: "ms",
        value: latency.ackP99,
        baseline: bare.ackP99,
        baselineLabel: `bare ws${behind} + SQLite commit → ack`,
        ...(latency.feed === null ? { target: { text: "feed p99 ≤ 100 ms (no feed: stand-in)", test: (v: number) => v <= 100 } } : {}),
        note:
          latency.feed === null
            ? `no live feed (GET /api/v1/violations/stream → HTTP ${latency.feedStatus}); report → ack stands in`
            : undefined,
      },
      judge,
    ),
  );
  const { reads } = m;
  const page = (id: string, label: string, read: PageRead, over: string): Figure =>
    figure(
      {
        id,
        label,
        unit: "ms",
        value: read.medianMs,
        baseline: null,
        baselineLabel: "no baseline",
        note: `GET ${read.path} over ${read.over} ${over}, median of ${reads.rounds} (slowest ${fixed(read.maxMs)} ms), with every agent connected: the server's event loop, which serves the agents too, is busy for most of it`,
      },
      judge,
    );
  figures.push(
    page("read-devices", "cockpit: device list, first page", reads.devices, "devices (every one judged for the counts per status)"),
    page("read-violations", "cockpit: violation list, first page", reads.violations, "open violations (counted per check)"),
    page("read-software", "cockpit: software titles", reads.software, "titles (from every lasting software violation)"),
  );
  return figures;
}

/** An environment as a shell would set it: `NAME=value NAME=value`. */
const envText = (env: Record<string, string>): string =>
  Object.entries(env)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");

function agentFigures(agent: AgentResult, judge: boolean): Figure[] {
  const figures: Figure[] = [];
  for (const s of agent.service) {
    figures.push(
      figure(
        {
          id: `agent-idle-rss-${s.bundle}`,
          label: `agent idle RSS (run --replay ${s.bundle})`,
          unit: "MB",
          value: s.idleRssBytes / MB,
          baseline: agent.bare.idleRssBytes / MB,
          baselineLabel: "bare node -e, idle, same flags",
          target: { text: "≤ 60 MB and ≤ 1.5× bare", test: (v, r) => v <= 60 && r !== null && r <= 1.5 },
          note: `the shipped bundle (agent.cjs) under the service's node flags (agent/service-flags.json): ${agent.serviceFlags.join(" ")} ${envText(agent.serviceEnv)}; of it anonymous (heap, code, malloc) ${fixed(s.idleAnonBytes / MB, 1)} MB vs bare ${fixed(agent.bare.idleAnonBytes / MB, 1)} MB; the rest is the node binary's pages`,
        },
        judge,
      ),
      figure(
        {
          id: `agent-cycle-cpu-${s.bundle}`,
          label: `agent CPU per check cycle (${s.bundle})`,
          unit: "ms",
          value: s.cycleCpuMs,
          baseline: s.bareParseCpuMs,
          baselineLabel: "bare node: read + parse bundle",
          target: { text: "≤ 200 ms", test: (v) => v <= 200 },
          note: `in the running service, re-check after the bundle changed (reload + 3 checks); wall ${fixed(s.cycleWallMs)} ms per cycle`,
        },
        judge,
      ),
    );
  }
  figures.push(
    figure(
      {
        id: "agent-check-cpu",
        label: "agent check --json CPU (live, whole process)",
        unit: "ms",
        value: agent.check.cpuMs,
        baseline: agent.bare.oneShot.cpuMs,
        baselineLabel: "bare node -e '', same flags",
        note: `includes Node start-up and module loading; the commands it ran used ${fixed(agent.check.childrenCpuMs)} ms more; wall ${fixed(agent.check.wallMs)} ms; exit ${agent.check.exitCode}`,
      },
      judge,
    ),
    figure(
      {
        id: "agent-check-rss",
        label: "agent check --json peak RSS (live)",
        unit: "MB",
        value: agent.check.maxRssBytes / MB,
        baseline: agent.bare.oneShot.maxRssBytes / MB,
        baselineLabel: "bare node -e '', same flags",
        target: { text: "≤ 1.5× bare", test: (_v, r) => r !== null && r <= 1.5 },
        note: `the shipped bundle (agent.cjs), as a person runs it: every package's compliance-agent command starts node with the service's flags and environment (${envText(agent.serviceEnv)})`,
      },
      judge,
    ),
  );
  return figures;
}

function evaluationFigures(evaluation: EvaluationResult, judge: boolean): Figure[] {
  return [
    figure(
      {
        id: "evaluation-compile",
        label: `validate + compile a ${evaluation.rules}-rule policy`,
        unit: "ms",
        value: evaluation.compileMs,
        baseline: evaluation.loopMs,
        baselineLabel: "plain loop of string ===",
        target: { text: "≤ 15 ms", test: (v) => v <= 15 },
        note: `median of ${evaluation.compileRuns}: the policy schema (zod) over the pushed JSON, then every rule compiled and indexed; its patterns new to the process`,
      },
      judge,
    ),
    figure(
      {
        id: "evaluation-warm",
        label: `evaluate ${evaluation.packages} pkgs × ${evaluation.rules} rules`,
        unit: "ms",
        value: evaluation.warmMs,
        baseline: evaluation.loopMs,
        baselineLabel: "plain loop of string ===",
        target: { text: "≤ 10 ms", test: (v) => v <= 10 },
        note: `median, policy compiled once (as between pushes); ${evaluation.violations} violations`,
      },
      judge,
    ),
    figure(
      {
        id: "evaluation-cold",
        label: "  … first run after a new policy",
        unit: "ms",
        value: evaluation.coldMs,
        baseline: evaluation.loopMs,
        baselineLabel: "plain loop of string ===",
        target: { text: "≤ 20 ms", test: (v) => v <= 20 },
        note: `a policy new to an evaluator that ran ${evaluation.warmUpRuns}× with another (as a service's has when IT pushes): includes compiling its rules; the process's very first evaluation (loading and JIT-compiling the evaluator too) took ${fixed(evaluation.firstInProcessMs)} ms, its second (a new policy, the evaluator not yet optimised by V8) ${fixed(evaluation.secondInProcessMs)} ms; the agent service runs --jitless, where first and later runs cost the same (see agent CPU per check cycle)`,
      },
      judge,
    ),
  ];
}

function stormFigures({ storm, bare }: FleetMeasurements, judge: boolean): Figure[] {
  const killed = storm.killedInstance;
  const reconnect =
    killed === undefined
      ? undefined
      : figure(
          {
            id: "storm-reconnect",
            label: `storm: 1 of ${killed.instances} instances killed → its agents back`,
            unit: "s",
            value: storm.reconnectMs / 1000,
            baseline: bare.reconnectMs / 1000,
            baselineLabel: `bare ws: 1 of ${killed.instances} killed behind the same HAProxy`,
            target: { text: "≤ 2× bare", test: (_v, r) => r !== null && r <= 2 },
            note: `SIGKILL of an instance holding ${killed.agentsOnIt} agents: ${storm.reconnected} of the ${storm.agents} it disconnected back through HAProxy to the others; per agent kill → welcome p50 ${fixed(storm.delayP50Ms / 1000, 1)} s, p90 ${fixed(storm.delayP90Ms / 1000, 1)} s; failed attempts: ${describeCounts(storm.failures)}`,
          },
          judge,
        );
  return [
    ...(reconnect !== undefined ? [reconnect] : []),
    ...(killed !== undefined
      ? []
      : [
          figure(
            {
              id: "storm-reconnect",
              label: "reconnect storm: restart → all back",
              unit: "s",
              value: storm.reconnectMs / 1000,
              baseline: bare.reconnectMs / 1000,
              baselineLabel: "bare ws restart, same backoff",
              note: `${storm.reconnected} of ${storm.agents} back; server down ${fixed(storm.downMs / 1000, 2)} s (SIGTERM → listening again; its graceful stop took ${fixed(storm.stopMs / 1000, 2)} s); per agent restart → welcome p50 ${fixed(storm.delayP50Ms / 1000, 1)} s, p90 ${fixed(storm.delayP90Ms / 1000, 1)} s; failed attempts: ${describeCounts(storm.failures)}; listen-queue overflows: ${storm.listenOverflows ?? "?"}`,
            },
            judge,
          ),
        ]),
    figure(
      {
        id: "storm-reports-lost",
        label: "storm: acked reports lost or applied twice",
        unit: "",
        value: storm.lost + storm.duplicated,
        baseline: null,
        baselineLabel: "must be 0",
        target: { text: "0", test: (v) => v === 0 },
        note: `${storm.sent} reports sent through the ${killed === undefined ? "restart" : "kill"}, ${storm.acked} acked (${storm.queued} still unacknowledged at their agents, ${storm.queuedStored} of those already stored), of the acked ${storm.lost} missing and ${storm.duplicated} doubled in GET /api/v1/violations${storm.storedRows !== null ? `, ${storm.storedRows} rows in the reports table` : ""}`,
      },
      true,
    ),
  ];
}
