// What the HTTP routes are given by the composition root.
import type { AgentRegistry } from "../agents/registry.js";
import type { RateLimiter } from "../auth/rate-limit.js";
import type { Clock } from "../clock.js";
import type { ClusterBus } from "../cluster/bus.js";
import type { Exemptions } from "../exemptions/service.js";
import type { FeedHub } from "../feed/hub.js";
import type { DeviceNotices } from "../feed/notices.js";
import type { StreamTokenGuard } from "../feed/token-guard.js";
import type { CurrentPolicy } from "../policy/current.js";
import type { PolicyPreviews } from "../policy/preview.js";
import type { PolicyPush } from "../policy/push.js";
import type { Store } from "../store/db.js";
import type { StoreHealthState } from "../store/health.js";
import type { ServerMetrics } from "../metrics/metrics.js";
import type { WebhookDispatcher } from "../webhooks/dispatcher.js";
import type { DashboardFiles } from "./dashboard.js";

export interface ApiDeps {
  store: Store;
  clock: Clock;
  registry: AgentRegistry;
  /** Between instances (PostgreSQL LISTEN/NOTIFY; in-process on SQLite). */
  cluster: ClusterBus;
  policy: CurrentPolicy;
  /** Makes a stored policy version current and pushes it to the agents of every instance. */
  policyPush: PolicyPush;
  /** Candidate policies judged by the connected agents (POST /api/v1/policy/preview). */
  previews: PolicyPreviews;
  /** The live feed of this instance (GET /api/v1/violations/stream). */
  feed: FeedHub;
  exemptions: Exemptions;
  /** Device notices (re-enrollments) for the live feed of every instance. */
  deviceNotices: DeviceNotices;
  /** Ends the live-feed streams of a revoked token, on every instance. */
  streamTokens: StreamTokenGuard;
  enrollLimiter: RateLimiter;
  /** Largest body of POST /api/v1/enroll (unauthenticated). */
  enrollBodyLimitBytes: number;
  newId(): string;
  dashboard: DashboardFiles;
  /** False while starting or stopping: /healthz answers 503 then. */
  acceptingAgents(): boolean;
  /** Whether the store takes writes: /healthz answers 503 with the reason when it does not. */
  storeHealth(): StoreHealthState;
  bodyLimitBytes: number;
  /** Delivers the feed to SIEM webhooks; kicked when a hook is created or resumed. */
  webhooks: WebhookDispatcher;
  /** This instance's Prometheus registry (GET /metrics). */
  metrics: ServerMetrics;
  /** GET /metrics without a token (--metrics-public). */
  metricsPublic: boolean;
}
