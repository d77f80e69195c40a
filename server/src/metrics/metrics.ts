// The server's Prometheus metrics (prom-client), one registry per instance: counters the code paths bump, gauges read at scrape time.
import { CheckId } from "@wegroup/shared";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Db } from "../store/schema.js";

/** What a scrape reads from the running instance and its database. */
export interface MetricsSources {
  db: Db;
  connectedAgents(): number;
  feedClients(): number;
  policyVersion(): number;
}

/** The agent channel's events worth counting. */
export interface AgentChannelObserver {
  hello(): void;
  /** `stored`: first time (not a resend); `seconds`: from arrival to ack. */
  reportAcked(stored: boolean, seconds: number): void;
  policyApplied(): void;
}

export class ServerMetrics {
  readonly registry = new Registry();
  readonly hellos: Counter;
  readonly reportsStored: Counter;
  readonly reportsAcked: Counter;
  readonly reportAckSeconds: Histogram;
  readonly batchItems: Histogram;
  readonly batchSeconds: Histogram;
  readonly policyPushes: Counter;
  readonly policyPushAgents: Counter;
  readonly policyApplied: Counter;
  readonly webhookDeliveries: Counter;
  readonly webhookFailures: Counter;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    // Process CPU, memory, GC and event-loop lag (nodejs_eventloop_lag_seconds and its percentiles).
    collectDefaultMetrics({ register: this.registry });
    // Gauges that prom-client names like counters, which promtool's lint refuses; nodejs_active_handles and
    // nodejs_active_resources (by type) carry the same figures.
    for (const misnamed of ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"])
      this.registry.removeSingleMetric(misnamed);
    this.hellos = new Counter({
      name: "compliance_agent_hellos_total",
      help: "Agent hellos accepted (authenticated connections).",
      registers,
    });
    this.reportsStored = new Counter({
      name: "compliance_reports_stored_total",
      help: "Reports durably stored for the first time (a resend is acked, not stored again).",
      registers,
    });
    this.reportsAcked = new Counter({
      name: "compliance_reports_acked_total",
      help: "Reports acknowledged to agents after their commit.",
      registers,
    });
    this.reportAckSeconds = new Histogram({
      name: "compliance_report_ack_seconds",
      help: "From a report frame's arrival to its ack (queued, committed in a batch, acked).",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.batchItems = new Histogram({
      name: "compliance_ingest_batch_items",
      help: "Items (reports and device activity) per group-commit batch.",
      buckets: [1, 2, 5, 10, 25, 50, 100, 256, 500, 1000],
      registers,
    });
    this.batchSeconds = new Histogram({
      name: "compliance_ingest_batch_seconds",
      help: "Time to apply and commit one group-commit batch.",
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.policyPushes = new Counter({
      name: "compliance_policy_pushes_total",
      help: "Policy versions pushed to this instance's agents.",
      registers,
    });
    this.policyPushAgents = new Counter({
      name: "compliance_policy_push_agents_total",
      help: "Agents a policy push was sent to (summed over pushes).",
      registers,
    });
    this.policyApplied = new Counter({
      name: "compliance_policy_applied_total",
      help: "policy-applied frames from agents: a pushed policy in force on the device.",
      registers,
    });
    this.webhookDeliveries = new Counter({
      name: "compliance_webhook_deliveries_total",
      help: "Webhook POSTs a receiver accepted (2xx).",
      registers,
    });
    this.webhookFailures = new Counter({
      name: "compliance_webhook_failures_total",
      help: "Webhook POSTs that failed (not 2xx, no answer); each is retried with backoff.",
      registers,
    });

    new Gauge({
      name: "compliance_agents_connected",
      help: "Agents connected to this instance (after their hello).",
      registers,
      collect() {
        this.set(sources.connectedAgents());
      },
    });
    new Gauge({
      name: "compliance_feed_clients",
      help: "Live-feed (SSE) clients connected to this instance.",
      registers,
      collect() {
        this.set(sources.feedClients());
      },
    });
    new Gauge({
      name: "compliance_policy_version",
      help: "The policy version this instance runs.",
      registers,
      collect() {
        this.set(sources.policyVersion());
      },
    });
    // From the database: the same on every instance sharing it.
    new Gauge({
      name: "compliance_violations_open",
      help: "Open violations by check, fleet-wide (from the database).",
      labelNames: ["check"],
      registers,
      async collect() {
        const rows = await sources.db
          .selectFrom("violations")
          .select(["check", (eb) => eb.fn.countAll().as("n")])
          .where("status", "=", "open")
          .groupBy("check")
          .execute();
        const counts = new Map(rows.map((r) => [r.check, Number(r.n)]));
        for (const check of CheckId.options) this.set({ check }, counts.get(check) ?? 0);
      },
    });
    new Gauge({
      name: "compliance_devices_policy_current",
      help: "Devices that report running the current policy version, fleet-wide (from the database).",
      registers,
      async collect() {
        const row = await sources.db
          .selectFrom("devices")
          .select((eb) => eb.fn.countAll().as("n"))
          .where("policy_version", "=", sources.policyVersion())
          .executeTakeFirst();
        this.set(Number(row?.n ?? 0));
      },
    });
    new Gauge({
      name: "compliance_devices",
      help: "Enrolled devices, fleet-wide (from the database).",
      registers,
      async collect() {
        const row = await sources.db
          .selectFrom("devices")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirst();
        this.set(Number(row?.n ?? 0));
      },
    });
  }

  /** What an agent connection reports (see agents/connection.ts). */
  get agentChannel(): AgentChannelObserver {
    return {
      hello: () => this.hellos.inc(),
      reportAcked: (stored, seconds) => {
        this.reportsAcked.inc();
        if (stored) this.reportsStored.inc();
        this.reportAckSeconds.observe(seconds);
      },
      policyApplied: () => this.policyApplied.inc(),
    };
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition. */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }
}
