// The bus between server instances: LISTEN/NOTIFY on PostgreSQL, in-process delivery on SQLite (one instance).
import { createHash } from "node:crypto";
import { type Kysely, sql } from "kysely";
import pg from "pg";
import type { Database } from "../store/schema.js";

/**
 * `violation`: the highest new event seq; `policy`: the new policy version; `silent`: a device id the watchdog
 * acted on; `device`: a device notice for the live feed (JSON); `token`: the id of a revoked API token; `preview`: the id of a policy preview (its candidate is stored).
 */
export type ClusterChannel = "violation" | "policy" | "silent" | "device" | "token" | "preview";
export const CLUSTER_CHANNELS: readonly ClusterChannel[] = ["violation", "policy", "silent", "device", "token", "preview"];

/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more: send ids, not documents. */
export const MAX_PAYLOAD_BYTES = 7_999;

/**
 * Every instance hears every publish, its own included: a handler that already acted on its own news
 * (the feed, which saw the event in-process) recognises it by its id and ignores it.
 */
export interface ClusterBus {
  publish(channel: ClusterChannel, payload: string): Promise<void>;
  /** Answers a function that unsubscribes. */
  subscribe(channel: ClusterChannel, handler: (payload: string) => void): () => void;
  /**
   * Called after the bus lost and re-established its connection: whatever was published meanwhile was
   * not heard, so a subscriber re-reads what it follows from the database.
   */
  onReconnect(handler: () => void): () => void;
  close(): Promise<void>;
}

class Handlers {
  readonly #byChannel = new Map<ClusterChannel, Set<(payload: string) => void>>();
  readonly #reconnect = new Set<() => void>();

  constructor(private readonly onHandlerError: (error: unknown) => void) {}

  add(channel: ClusterChannel, handler: (payload: string) => void): () => void {
    const set = this.#byChannel.get(channel) ?? new Set();
    this.#byChannel.set(channel, set);
    set.add(handler);
    return () => set.delete(handler);
  }

  addReconnect(handler: () => void): () => void {
    this.#reconnect.add(handler);
    return () => this.#reconnect.delete(handler);
  }

  /** A handler that throws is reported and skipped: it must not stop the others. */
  deliver(channel: ClusterChannel, payload: string): void {
    for (const handler of this.#byChannel.get(channel) ?? []) this.#call(() => handler(payload));
  }

  reconnected(): void {
    for (const handler of this.#reconnect) this.#call(handler);
  }

  #call(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.onHandlerError(error);
    }
  }
}

function checkPayload(payload: string): void {
  if (Buffer.byteLength(payload, "utf8") > MAX_PAYLOAD_BYTES)
    throw new Error(`cluster payload of ${Buffer.byteLength(payload, "utf8")} bytes: send ids, not documents`);
}

/** One instance (SQLite): a publish reaches this process's subscribers, asynchronously, as a NOTIFY would. */
export class LocalClusterBus implements ClusterBus {
  readonly #handlers: Handlers;
  #closed = false;

  constructor(onHandlerError: (error: unknown) => void = () => {}) {
    this.#handlers = new Handlers(onHandlerError);
  }

  async publish(channel: ClusterChannel, payload: string): Promise<void> {
    checkPayload(payload);
    if (!this.#closed) queueMicrotask(() => this.#handlers.deliver(channel, payload));
  }

  subscribe(channel: ClusterChannel, handler: (payload: string) => void): () => void {
    return this.#handlers.add(channel, handler);
  }

  onReconnect(handler: () => void): () => void {
    return this.#handlers.addReconnect(handler);
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }
}

export interface PgClusterBusOptions {
  /** The connection string of the store: the dedicated LISTEN client uses it too. */
  url: string;
  /** The store's pool sends the NOTIFYs, so that a publish does not wait for a reconnecting listener. */
  db: Kysely<Database>;
  onHandlerError?: (error: unknown) => void;
  /** The LISTEN connection failed; it is being re-established. */
  onConnectionError?: (error: Error, retryInMs: number) => void;
  /** Reconnect backoff: first delay and ceiling. */
  retryMs?: { first: number; max: number };
}

/**
 * Several instances on one PostgreSQL database. Channel names are global to the database, so they carry
 * the schema the store works in: instances of another schema (another deployment, another test run) never
 * hear these. One dedicated client LISTENs and reconnects with backoff when its connection fails.
 */
export class PgClusterBus implements ClusterBus {
  readonly #handlers: Handlers;
  readonly #names: ReadonlyMap<ClusterChannel, string>;
  readonly #byName: ReadonlyMap<string, ClusterChannel>;
  #client: pg.Client | undefined;
  #retry: NodeJS.Timeout | undefined;
  #closed = false;
  #connecting: Promise<void> | undefined;

  private constructor(
    private readonly options: PgClusterBusOptions,
    names: Map<ClusterChannel, string>,
  ) {
    this.#handlers = new Handlers(options.onHandlerError ?? (() => {}));
    this.#names = names;
    this.#byName = new Map([...names].map(([channel, name]) => [name, channel]));
  }

  /** Connects and LISTENs on every channel before answering, so that nothing published afterwards is missed. */
  static async open(options: PgClusterBusOptions): Promise<PgClusterBus> {
    const row = await sql<{ schema: string }>`select current_schema() as schema`.execute(options.db);
    const schema = row.rows[0]?.schema ?? "public";
    const bus = new PgClusterBus(options, new Map(CLUSTER_CHANNELS.map((c) => [c, channelName(schema, c)])));
    await bus.#connect();
    return bus;
  }

  async publish(channel: ClusterChannel, payload: string): Promise<void> {
    checkPayload(payload);
    const name = this.#names.get(channel) ?? "";
    await sql`select pg_notify(${name}, ${payload})`.execute(this.options.db);
  }

  subscribe(channel: ClusterChannel, handler: (payload: string) => void): () => void {
    return this.#handlers.add(channel, handler);
  }

  onReconnect(handler: () => void): () => void {
    return this.#handlers.addReconnect(handler);
  }

  /** The backend process id of the LISTEN connection (tests cut it with pg_terminate_backend). */
  get listenerPid(): number | undefined {
    const client = this.#client;
    // pg sets processID on a connected client; @types/pg does not declare it.
    return client !== undefined && "processID" in client && typeof client.processID === "number" ? client.processID : undefined;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    await this.#connecting?.catch(() => {});
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }

  #connect(): Promise<void> {
    this.#connecting = (async () => {
      const client = new pg.Client({ connectionString: this.options.url, keepAlive: true });
      let listening = false;
      let failed = false;
      const onFailure = (error: Error): void => {
        // Before LISTEN completed, the failure is connect()'s rejection, retried by the caller.
        if (!listening || failed) return;
        failed = true;
        if (this.#client === client) this.#client = undefined;
        client.removeAllListeners("notification");
        void client.end().catch(() => {});
        this.#scheduleReconnect(error, 1);
      };
      client.on("error", onFailure);
      client.on("end", () => onFailure(new Error("the LISTEN connection ended")));
      client.on("notification", (message) => {
        const channel = this.#byName.get(message.channel);
        if (channel !== undefined) this.#handlers.deliver(channel, message.payload ?? "");
      });
      try {
        await client.connect();
        for (const name of this.#names.values()) await client.query(`LISTEN ${quoteIdent(name)}`);
      } catch (error) {
        await client.end().catch(() => {});
        throw error;
      }
      if (this.#closed) {
        await client.end().catch(() => {});
        return;
      }
      listening = true;
      this.#client = client;
    })();
    return this.#connecting;
  }

  #scheduleReconnect(error: Error, attempt: number): void {
    if (this.#closed) return;
    const { first, max } = this.options.retryMs ?? { first: 100, max: 5_000 };
    const delay = Math.min(max, first * 2 ** (attempt - 1));
    this.options.onConnectionError?.(error, delay);
    this.#retry = setTimeout(() => {
      this.#connect().then(
        () => {
          if (!this.#closed) this.#handlers.reconnected();
        },
        (next: unknown) => this.#scheduleReconnect(next instanceof Error ? next : new Error(String(next)), attempt + 1),
      );
    }, delay);
    this.#retry.unref();
  }
}

/**
 * One NOTIFY from a process that is not an instance (the admin CLI) to the instances on this PostgreSQL
 * schema: e.g. a token revoked from the command line closes its live-feed streams at once.
 */
export async function publishFromOutside(db: Kysely<Database>, channel: ClusterChannel, payload: string): Promise<void> {
  checkPayload(payload);
  const row = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  await sql`select pg_notify(${channelName(row.rows[0]?.schema ?? "public", channel)}, ${payload})`.execute(db);
}

/** At most 63 bytes (PostgreSQL's identifier limit); a long schema name is replaced by its hash. */
export function channelName(schema: string, channel: ClusterChannel): string {
  const name = `compliance.${schema}.${channel}`;
  if (Buffer.byteLength(name, "utf8") <= 63) return name;
  return `compliance.${createHash("sha256").update(schema).digest("hex").slice(0, 24)}.${channel}`;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
