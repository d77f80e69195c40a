// Builds and starts one server instance from a frozen config: store, ingest, agent channel, HTTP API. Answers how to stop it.
import { mkdir, open, readFile } from "node:fs/promises";
import type { AddressInfo, Socket } from "node:net";
import path from "node:path";
import { sql } from "kysely";
import { DEFAULT_POLICY, isLoopbackHost } from "@wegroup/shared";
import type { DestinationStream } from "pino";
import { AgentEndpoint } from "./agents/endpoint.js";
import { AgentRegistry } from "./agents/registry.js";
import { PolicyPreviews } from "./policy/preview.js";
import { countDevices, deviceHostnames } from "./store/devices.js";
import { buildApp, registeredRoutes } from "./api/app.js";
import type { RegisteredRoute } from "./api/route.js";
import { loadDashboard } from "./api/dashboard.js";
import { type ClusterBus, LocalClusterBus, PgClusterBus } from "./cluster/bus.js";
import { authenticateDevice, credentialBatcher } from "./auth/device-auth.js";
import { type ReconciledSecrets, reconcileDataDir } from "./auth/instance-secrets.js";
import { RateLimiter } from "./auth/rate-limit.js";
import { type Clock, systemClock } from "./clock.js";
import { checkTransport, type Config } from "./config.js";
import { EventBus } from "./events/bus.js";
import { Exemptions } from "./exemptions/service.js";
import { FeedHub } from "./feed/hub.js";
import { DeviceNotices } from "./feed/notices.js";
import { StreamTokenGuard } from "./feed/token-guard.js";
import { monotonicIds } from "./ids.js";
import { Ingest } from "./ingest/ingest.js";
import { WriterThread } from "./ingest/writer-client.js";
import { ServerMetrics } from "./metrics/metrics.js";
import { createLogger, type Logger } from "./logger.js";
import { CurrentPolicy } from "./policy/current.js";
import { PolicyPush } from "./policy/push.js";
import { RetentionJob } from "./privacy/retention.js";
import { migrateToLatest, openStore, type Store } from "./store/db.js";
import { classifyStoreError } from "./store/failure.js";
import { StoreHealth } from "./store/health.js";
import { latestPolicy, seedInitialPolicy } from "./store/policies.js";
import { SilentWatchdog } from "./watch/silent.js";
import { WebhookDispatcher } from "./webhooks/dispatcher.js";

export interface BootOptions {
  /** Where the human lines go (stdout in the CLI). */
  out(line: string): void;
  /** Where the JSON log goes (stdout when absent). */
  logDestination?: DestinationStream;
  clock?: Clock;
  /** The dashboard folder (server/public when absent). */
  publicDir?: string;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly config: Config;
  readonly secrets: ReconciledSecrets;
  readonly store: Store;
  readonly bus: EventBus;
  /** Between instances: PostgreSQL LISTEN/NOTIFY, or in-process on SQLite. */
  readonly cluster: ClusterBus;
  readonly registry: AgentRegistry;
  readonly policyPush: PolicyPush;
  readonly retention: RetentionJob;
  /** The live feed (SSE) of this instance. */
  readonly feed: FeedHub;
  readonly exemptions: Exemptions;
  /** Raises agent-silent; tests call its sweep() after moving a manual clock. */
  readonly watchdog: SilentWatchdog;
  readonly logger: Logger;
  /** Whether the store takes writes now (what /healthz reports). */
  readonly storeHealth: StoreHealth;
  /** Delivers the feed to SIEM webhooks. */
  readonly webhooks: WebhookDispatcher;
  /** Every route fastify registered (the reverse check against the route catalogue reads it). */
  readonly httpRoutes: readonly RegisteredRoute[];
  /** Graceful: stops taking frames, commits and acknowledges what was taken, closes sockets, then the store. Idempotent. */
  stop(): Promise<void>;
}

/** How long an instance records its agents' answers to a preview another instance asked for (the asker waits 3 s). */
const PREVIEW_RELAY_MS = 10_000;

/** A safety net under the cluster bus: each instance compares its policy with the stored newest this often. */
const POLICY_RESYNC_MS = 60_000;

export const DEFAULT_PUBLIC_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../public");

export async function boot(config: Config, options: BootOptions): Promise<RunningServer> {
  const bootStarted = performance.now();
  checkTransport(config);
  const logger = createLogger(config.logLevel, options.logDestination);
  const clock = options.clock ?? systemClock;
  if (config.tls === null && !isLoopbackHost(config.listen.host)) {
    logger.warn(
      { listen: config.listen.host },
      "serving plain HTTP off loopback (--allow-insecure-http): a TLS-terminating proxy must sit in front",
    );
  }
  const tls =
    config.tls === null
      ? undefined
      : { cert: await readConfigFile(config.tls.certFile, "--tls-cert"), key: await readConfigFile(config.tls.keyFile, "--tls-key") };
  const dashboard = await loadDashboard(options.publicDir ?? DEFAULT_PUBLIC_DIR);

  if (config.database.kind === "sqlite" && config.database.path !== ":memory:") await prepareSqliteFile(config.database.path);
  const storeHealth = new StoreHealth({
    clock,
    logger: logger.child({ component: "store" }),
    ...(config.database.kind === "postgres" ? { probe: async () => void (await sql`select 1`.execute(store.db)) } : {}),
  });
  const store = openStore(config.database, {
    onConnectionError: (error) => {
      const failure = classifyStoreError(error);
      logger.warn({ code: (error as { code?: unknown }).code, reason: error.message }, "a database connection failed; it will be replaced");
      if (failure?.kind === "unavailable") storeHealth.failed(failure.reason, failure.probe);
    },
    ...(config.tuning.sqliteMaxPageCount === undefined ? {} : { sqliteMaxPageCount: config.tuning.sqliteMaxPageCount }),
  });
  let closeCluster = (): Promise<void> => Promise.resolve();
  // A start that fails after the writer thread began must not leave it holding the database.
  let closeWriter = (): Promise<void> => Promise.resolve();
  try {
    const applied = await migrateToLatest(store);
    if (applied.length > 0) logger.info({ migrations: applied }, "database migrated");
    const now = clock.now().toISOString();
    // This data dir's admin token and enrollment secret stay in its files; the database learns only their hashes.
    const secrets = await reconcileDataDir(store.db, config.dataDir, now);
    for (const file of secrets.exposed) logger.warn({ file }, "secret file is readable by others than its owner; chmod 600 it");
    for (const file of secrets.registered)
      logger.info({ file }, "secret file's hash added to the database (accepted by every instance on it)");
    for (const file of secrets.replaced) logger.warn({ file }, "secret file replaced: the database holds its secret as revoked or expired");
    await seedInitialPolicy(store.db, DEFAULT_POLICY, now);
    const stored = await latestPolicy(store.db);
    if (stored === undefined) throw new Error("no policy stored after seeding");
    const policy = new CurrentPolicy(stored.policy);

    const bus = new EventBus((error) => logger.error({ err: error }, "event listener failed"));
    const onClusterHandlerError = (error: unknown): void => logger.error({ err: error }, "cluster bus handler failed");
    const cluster: ClusterBus =
      config.database.kind === "postgres"
        ? await PgClusterBus.open({
            url: config.database.url,
            db: store.db,
            onHandlerError: onClusterHandlerError,
            onConnectionError: (error, retryInMs) => logger.warn({ err: error, retryInMs }, "cluster LISTEN connection lost; reconnecting"),
          })
        : new LocalClusterBus(onClusterHandlerError);
    closeCluster = () => cluster.close();
    const registry = new AgentRegistry();
    const feed = new FeedHub({ db: store.db, bus, cluster, logger: logger.child({ component: "feed" }) });
    await feed.start();
    const metrics = new ServerMetrics({
      db: store.db,
      connectedAgents: () => registry.size,
      feedClients: () => feed.clientCount,
      policyVersion: () => policy.version,
    });
    const applier = writerThread(config, options);
    closeWriter = () => applier?.close() ?? Promise.resolve();
    const credentials = credentialBatcher(store.db);
    const ingest = new Ingest(
      store,
      clock,
      bus,
      {
        maxItems: config.tuning.batchMaxItems,
        maxDelayMs: config.tuning.batchMaxDelayMs,
        maxOpenedPerDevicePerDay: config.tuning.maxViolationsOpenedPerDevicePerDay,
        onBatch: (items, seconds) => {
          metrics.batchItems.observe(items);
          metrics.batchSeconds.observe(seconds);
        },
        ...(applier === undefined ? {} : { applier }),
      },
      storeHealth,
    );
    const t = config.tuning;
    const previews = new PolicyPreviews({
      registry,
      hostnames: (ids) => deviceHostnames(store.db, ids),
      enrolled: () => countDevices(store.db),
      ...(config.database.kind === "postgres"
        ? {
            cluster: {
              bus: cluster,
              db: store.db,
              logger: logger.child({ component: "preview" }),
              now: () => systemClock.now(),
              relayMs: PREVIEW_RELAY_MS,
            },
          }
        : {}),
    });
    const newId = monotonicIds(clock);
    const webhooks = new WebhookDispatcher(
      {
        db: store.db,
        bus,
        cluster,
        logger: logger.child({ component: "webhooks" }),
        now: () => systemClock.now(),
        observer: { delivered: () => metrics.webhookDeliveries.inc(), failed: () => metrics.webhookFailures.inc() },
      },
      {
        baseMs: t.webhookRetryBaseMs,
        maxMs: t.webhookRetryMaxMs,
        timeoutMs: t.webhookTimeoutMs,
        leaseMs: t.webhookLeaseMs,
        pollMs: t.webhookPollMs,
      },
    );
    const exemptions = new Exemptions({ store, clock, bus, newId, logger: logger.child({ component: "exemptions" }) });
    const watchdog = new SilentWatchdog({ store, clock, policy, bus, newId, logger: logger.child({ component: "agent-silent" }) });
    const policyPush = new PolicyPush({
      db: store.db,
      current: policy,
      registry,
      cluster,
      logger: logger.child({ component: "policy" }),
      resyncMs: POLICY_RESYNC_MS,
      onPush: (agents) => {
        metrics.policyPushes.inc();
        metrics.policyPushAgents.inc(agents);
      },
    });
    const retention = new RetentionJob({
      db: store.db,
      days: config.retentionDays,
      clock,
      logger: logger.child({ component: "retention" }),
    });
    const deviceNotices = new DeviceNotices({ cluster, feed, logger: logger.child({ component: "feed" }) });
    const streamTokens = new StreamTokenGuard({
      db: store.db,
      cluster,
      feed,
      logger: logger.child({ component: "feed" }),
      everyMs: config.tuning.tokenRecheckMs,
    });
    const endpoint = new AgentEndpoint({
      authenticate: (hello, nonce) => authenticateDevice(store.db, hello, nonce, () => clock.now().toISOString(), credentials),
      limits: {
        helloMaxBytes: t.helloMaxBytes,
        helloMaxDepth: t.helloMaxDepth,
        earlyFramesMaxBytes: t.earlyFramesMaxBytes,
        frameBurst: t.frameBurst,
        framesPerSecond: t.framesPerSecond,
      },
      // Real time, not the domain clock: a limit on how often a device reconnects.
      deviceConnections: new RateLimiter(t.deviceConnectionBurst, t.deviceConnectionsPerMinute, systemClock),
      ingest,
      policy,
      registry,
      clock,
      helloTimeoutMs: config.tuning.helloTimeoutMs,
      maxReportsInFlight: config.tuning.maxReportsInFlight,
      previews,
      logger: logger.child({ component: "agents" }),
      pingIntervalMs: config.tuning.pingIntervalMs,
      observer: metrics.agentChannel,
    });
    let accepting = false;
    const app = buildApp(
      {
        store,
        clock,
        registry,
        cluster,
        policy,
        policyPush,
        previews,
        feed,
        exemptions,
        deviceNotices,
        streamTokens,
        enrollLimiter: new RateLimiter(config.tuning.enrollBurst, config.tuning.enrollPerMinute, clock),
        enrollBodyLimitBytes: config.tuning.enrollBodyLimitBytes,
        newId,
        dashboard,
        acceptingAgents: () => accepting,
        storeHealth: () => storeHealth.state,
        bodyLimitBytes: config.tuning.bodyLimitBytes,
        webhooks,
        metrics,
        metricsPublic: config.metricsPublic,
      },
      { logger, https: tls, trustedProxies: config.trustedProxies },
    );
    app.server.on("upgrade", endpoint.handleUpgrade);
    // Every connection, until it closes: a stop cuts those that never sent a byte (see stop).
    const sockets = new Set<Socket>();
    app.server.on("connection", (socket: Socket) => {
      sockets.add(socket);
      socket.once("close", () => sockets.delete(socket));
    });
    // A fleet reconnecting after a restart arrives at once: Node's default backlog of 511 drops most of it.
    await app.listen({ host: config.listen.host, port: config.listen.port, backlog: 4096 });
    // What a stopping server tells its agents to wait before coming back: how long this start took, with room, plus a
    // second for the process itself to start.
    const restartEstimateMs = Math.min(30_000, 1_000 + Math.ceil((performance.now() - bootStarted) * 1.5));
    accepting = true;
    deviceNotices.start();
    streamTokens.start();
    retention.start();
    exemptions.start();
    watchdog.start();
    webhooks.start();

    const port = (app.server.address() as AddressInfo).port;
    const url = `${tls === undefined ? "http" : "https"}://${urlHost(config.listen.host)}:${port}`;
    // One write for the whole block: whoever reads the listening line gets the lines that belong with it.
    const startup = [`compliance-server listening on ${url}`];
    if (secrets.created.length > 0) {
      startup.push(
        `first start: admin token written to ${secrets.adminTokenPath}, enrollment secret to ${secrets.enrollSecretPath} (mode 0600)`,
      );
      startup.push(`dashboard: ${url}/ (sign in with the admin token)`);
    }
    options.out(startup.join("\n"));
    logger.info({ url, dataDir: config.dataDir, database: config.database.kind, policyVersion: policy.version }, "ready for agents");

    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> =>
      (stopping ??= (async () => {
        accepting = false;
        logger.info("stopping");
        // How long each step took, in the "stopped" line: a slow stop says where it waited.
        const steps: Record<string, number> = {};
        let mark = performance.now();
        const step = (name: string): void => {
          const now = performance.now();
          steps[name] = Math.round(now - mark);
          mark = now;
        };
        endpoint.drain();
        deviceNotices.stop();
        streamTokens.stop();
        await watchdog.stop();
        await exemptions.stop();
        step("drainMs");
        await ingest.close();
        step("ingestMs");
        // After the last commit: what it stored is delivered by the next instance to hold the lease, or after the restart.
        await webhooks.stop();
        await endpoint.close({ restartMs: restartEstimateMs });
        step("agentsMs");
        // Event streams never end by themselves: end them, or the HTTP server would wait for them.
        feed.stop();
        // A stream whose client vanished mid-write can keep its socket half-open: close() must not wait for it forever.
        const force = setTimeout(() => app.server.closeAllConnections(), 1_500);
        // A connection that never sent a byte (a TCP health check, a client that connected and waited) holds no request,
        // yet close() would wait for it until the force above.
        for (const socket of sockets) if (socket.bytesRead === 0) socket.destroy();
        await app.close();
        clearTimeout(force);
        step("httpMs");
        policyPush.close();
        await retention.stop();
        await cluster.close();
        storeHealth.stop();
        await store.close();
        step("storeMs");
        logger.info(steps, "stopped");
      })());
    return {
      url,
      port,
      config,
      secrets,
      store,
      bus,
      cluster,
      registry,
      policyPush,
      retention,
      feed,
      exemptions,
      watchdog,
      logger,
      storeHealth,
      webhooks,
      httpRoutes: registeredRoutes(app),
      stop,
    };
  } catch (error) {
    storeHealth.stop();
    await closeWriter().catch(() => {});
    await closeCluster().catch(() => {});
    await store.close().catch(() => {});
    throw error;
  }
}

/** The database holds credential hashes and people's violations: owner-only, like the data dir (SQLite gives -wal/-shm the same mode). */
async function prepareSqliteFile(file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await (await open(file, "a", 0o600)).close();
}

function urlHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

async function readConfigFile(file: string, option: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new Error(`${option}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/**
 * Ingest batches go to a writer thread on a SQLite file (tuning.sqliteWriterThread, on by default). Not with a manual
 * clock (the thread keeps real time), not with :memory: (a second connection would open another database), not on
 * PostgreSQL (its server does the work off this process already).
 */
function writerThread(config: Config, options: BootOptions): WriterThread | undefined {
  const db = config.database;
  if (db.kind !== "sqlite" || db.path === ":memory:" || options.clock !== undefined || config.tuning.sqliteWriterThread === false)
    return undefined;
  return new WriterThread({
    path: db.path,
    sqliteMaxPageCount: config.tuning.sqliteMaxPageCount,
    maxOpenedPerDevicePerDay: config.tuning.maxViolationsOpenedPerDevicePerDay,
  });
}
