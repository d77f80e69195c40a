// The live feed of one instance: follows the committed events (in-process, via NOTIFY, from storage) in seq order and fans them out to SSE clients.
import type { ServerResponse } from "node:http";
import type { ViolationEvent } from "@wegroup/shared";
import type { ClusterBus } from "../cluster/bus.js";
import type { EventBus } from "../events/bus.js";
import type { Logger } from "../logger.js";
import { eventsAfter, lastEventSeq } from "../store/events.js";
import type { Db } from "../store/schema.js";
import { type ClientState, formatEvent, formatReady, SseClient } from "./sse.js";

export interface FeedOptions {
  /** A comment line this often keeps proxies from closing an idle stream; storage is checked for missed events too. */
  keepAliveMs: number;
  /**
   * Unsent bytes one client may have. A client that would pass it gets no more live events: once its socket
   * has drained, it is caught up from storage instead, so that a burst costs no memory and loses nothing.
   */
  clientBufferBytes: number;
  /** A client whose socket takes nothing for this long is stuck: it is dropped (closed). */
  stuckClientMs: number;
  /** Events read from storage per query. */
  pageSize: number;
  /** The reconnect delay told to EventSource clients. */
  retryMs: number;
}

export const DEFAULT_FEED_OPTIONS: Readonly<FeedOptions> = Object.freeze({
  keepAliveMs: 15_000,
  clientBufferBytes: 1024 * 1024,
  stuckClientMs: 30_000,
  pageSize: 500,
  retryMs: 2_000,
});

export interface FeedDeps {
  db: Db;
  /** Committed events of this instance. */
  bus: EventBus;
  /** `violation` carries the highest seq another instance (or this one) committed. */
  cluster: ClusterBus;
  logger: Logger;
}

/** After a failed storage read, wait this long before the next. */
const READ_RETRY_MS = 1_000;

/**
 * Event seqs are taken in commit order (see insertEvents), so "everything up to seq N" is a complete prefix:
 * the hub delivers strictly in seq order, and on any gap — an event of another instance it has not heard of
 * yet, or a seq lost to a rollback — it reads the events after the last one it delivered from storage.
 * Its own events take the fast path (no query) when they follow on directly.
 */
export class FeedHub {
  readonly #clients = new Set<SseClient>();
  /** The API token each client came in with (its id), so that revoking the token ends its streams. */
  readonly #tokenOf = new Map<SseClient, string>();
  readonly #options: FeedOptions;
  readonly #log: Logger;
  #lastSeq = 0;
  #queue: ViolationEvent[] = [];
  #readWanted = false;
  #pumping: Promise<void> | undefined;
  /** A storage read failed: nothing is read or delivered until the retry timer fires (live events wait, in order). */
  #waitingToRetry = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #keepAlive: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void)[] = [];
  #relayMax = 0;
  #relayScheduled = false;
  #stopped = false;
  /** Stuck clients dropped since start. */
  dropped = 0;

  constructor(
    private readonly deps: FeedDeps,
    options: Partial<FeedOptions> = {},
  ) {
    this.#options = { ...DEFAULT_FEED_OPTIONS, ...options };
    this.#log = deps.logger;
  }

  get lastSeq(): number {
    return this.#lastSeq;
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  get options(): Readonly<FeedOptions> {
    return this.#options;
  }

  /** What each connected client is doing and how many bytes wait for it. */
  clientStates(): { state: ClientState; buffered: number; lastSent: number }[] {
    return [...this.#clients].map((c) => ({ state: c.state, buffered: c.buffered, lastSent: c.lastSent }));
  }

  /** Begins at the newest stored event: clients that want older ones ask with Last-Event-ID. */
  async start(): Promise<void> {
    this.#lastSeq = await lastEventSeq(this.deps.db);
    this.#unsubscribe.push(
      this.deps.bus.subscribe((event) => this.#onLocal(event)),
      this.deps.cluster.subscribe("violation", (payload) => this.#onNotified(payload)),
      this.deps.cluster.onReconnect(() => this.#requestRead()),
    );
    this.#keepAlive = setInterval(() => this.#tick(), this.#options.keepAliveMs);
    this.#keepAlive.unref();
  }

  /**
   * Serves one SSE response until it closes: the backlog after `lastEventId` from storage first (paced by
   * the socket), then live events. Without `lastEventId`, it starts at the newest event.
   */
  async attach(res: ServerResponse, lastEventId: number | undefined, tokenId?: string): Promise<void> {
    // A stream that arrives while the server stops would never be ended: send the client elsewhere.
    if (this.#stopped) {
      res.writeHead(503, { "content-type": "application/json", connection: "close", "retry-after": "2" });
      res.end(JSON.stringify({ error: { code: "unavailable", message: "the server is stopping; reconnect to another instance" } }));
      return;
    }
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      // The stream is the connection's last response: when the server ends it (stopping), the socket goes too.
      connection: "close",
      "x-accel-buffering": "no",
      "x-content-type-options": "nosniff",
    });
    let from = lastEventId ?? this.#lastSeq;
    // An id beyond anything stored (a database replaced since the client last connected) would silence the client: start at the newest instead.
    if (from > this.#lastSeq) from = Math.min(from, await lastEventSeq(this.deps.db));
    if (this.#stopped) {
      res.end();
      return;
    }
    const client = new SseClient(res, from, this.#options.clientBufferBytes, (behind) => void this.#catchUp(behind));
    this.#clients.add(client);
    if (tokenId !== undefined) this.#tokenOf.set(client, tokenId);
    res.once("close", () => {
      this.#clients.delete(client);
      this.#tokenOf.delete(client);
    });
    client.control(`retry: ${this.#options.retryMs}\n\n`);
    await this.#catchUp(client);
    client.control(formatReady(client.lastSent));
  }

  /** Ends every stream and stops following events. */
  stop(): void {
    this.#stopped = true;
    clearInterval(this.#keepAlive);
    clearTimeout(this.#retryTimer);
    for (const off of this.#unsubscribe.splice(0)) off();
    this.closeClients();
  }

  /** Ends every stream; EventSource clients reconnect (here or at another instance) and resume with Last-Event-ID. */
  closeClients(): void {
    for (const client of this.#clients) client.end();
    this.#clients.clear();
    this.#tokenOf.clear();
  }

  /** Ends the streams opened with this token (it was revoked); answers how many. */
  closeClientsOf(tokenId: string): number {
    let closed = 0;
    for (const [client, id] of this.#tokenOf) {
      if (id !== tokenId) continue;
      client.end();
      this.#clients.delete(client);
      this.#tokenOf.delete(client);
      closed++;
    }
    return closed;
  }

  /** The token ids of the open streams. */
  openTokenIds(): Set<string> {
    return new Set(this.#tokenOf.values());
  }

  /** A message outside the seq order (a device notice): to every client, whatever it is catching up on. */
  broadcast(text: string): void {
    for (const client of this.#clients) client.notice(text);
  }

  /**
   * Sends a client what storage holds after its last event, never letting more than the budget wait for its
   * socket, until it has everything this instance has delivered; then it is live. Switching to live happens
   * in the same turn as the check, so no event delivered meanwhile can slip between the two paths.
   */
  async #catchUp(client: SseClient): Promise<void> {
    try {
      for (;;) {
        if (!(await this.#room(client))) return;
        if (client.lastSent >= this.#lastSeq) {
          client.goLive();
          return;
        }
        const page = await eventsAfter(this.deps.db, client.lastSent, this.#options.pageSize);
        if (page.length === 0) {
          // Pruned by retention meanwhile: nothing older to send.
          client.goLive();
          return;
        }
        for (const event of page) {
          if (!(await this.#room(client))) return;
          client.send(event.seq, formatEvent(event));
        }
      }
    } catch (error) {
      this.#log.warn({ err: error }, "could not send a live-feed client its backlog; closing it (it resumes on reconnect)");
      client.drop();
    }
  }

  /** Waits until the client's buffer has room; false when it went away or is stuck (then it is dropped). */
  async #room(client: SseClient): Promise<boolean> {
    if (client.closed) return false;
    if (!client.full) return true;
    if (await client.drained(this.#options.stuckClientMs)) return true;
    if (!client.closed) {
      this.dropped++;
      this.#log.warn(
        { lastSent: client.lastSent, buffered: client.buffered },
        "live-feed client stuck; dropped (it can resume with Last-Event-ID)",
      );
      client.drop();
    }
    this.#clients.delete(client);
    return false;
  }

  #onLocal(event: ViolationEvent): void {
    this.#queue.push(event);
    this.#kick();
    // Other instances learn of it by its seq; one NOTIFY per burst (a batch publishes many events at once).
    this.#relayMax = Math.max(this.#relayMax, event.seq);
    if (!this.#relayScheduled) {
      this.#relayScheduled = true;
      queueMicrotask(() => {
        this.#relayScheduled = false;
        this.deps.cluster
          .publish("violation", String(this.#relayMax))
          .catch((error: unknown) => this.#log.warn({ err: error }, "could not tell other instances of new events"));
      });
    }
  }

  #onNotified(payload: string): void {
    const seq = Number(payload);
    if (Number.isSafeInteger(seq) && seq > this.#lastSeq) this.#requestRead();
  }

  #tick(): void {
    for (const client of this.#clients) client.control(": keep-alive\n\n");
    // A NOTIFY lost while the LISTEN connection was down, or an instance that died between COMMIT and NOTIFY.
    this.#requestRead();
  }

  #requestRead(): void {
    this.#readWanted = true;
    this.#kick();
  }

  #kick(): void {
    if (this.#pumping !== undefined || this.#stopped) return;
    this.#pumping = this.#pump().finally(() => {
      this.#pumping = undefined;
      if (!this.#stopped && (this.#readWanted || this.#queue.length > 0) && !this.#waitingToRetry) this.#kick();
    });
  }

  async #pump(): Promise<void> {
    for (;;) {
      if (this.#readWanted) {
        if (this.#waitingToRetry) return; // the retry timer kicks again
        this.#readWanted = false;
        if (!(await this.#readStored())) return;
        continue;
      }
      const event = this.#queue.shift();
      if (event === undefined) return;
      if (event.seq <= this.#lastSeq) continue;
      if (event.seq !== this.#lastSeq + 1) {
        // Something committed before it that this instance has not delivered: storage has it, in order.
        this.#queue.unshift(event);
        this.#readWanted = true;
        continue;
      }
      this.#dispatch(event);
    }
  }

  /** Delivers what storage holds after the last delivered seq; false after a failure (retried later). */
  async #readStored(): Promise<boolean> {
    try {
      for (;;) {
        const page = await eventsAfter(this.deps.db, this.#lastSeq, this.#options.pageSize);
        for (const event of page) if (event.seq > this.#lastSeq) this.#dispatch(event);
        if (page.length < this.#options.pageSize) return true;
      }
    } catch (error) {
      if (this.#stopped) return false;
      this.#log.warn({ err: error }, "could not read the event feed from storage; retrying");
      this.#readWanted = true;
      // The timer alone ends the wait: no clock to read, so a test's manual clock cannot stall the feed.
      this.#waitingToRetry = true;
      clearTimeout(this.#retryTimer);
      this.#retryTimer = setTimeout(() => {
        this.#waitingToRetry = false;
        this.#kick();
      }, READ_RETRY_MS);
      this.#retryTimer.unref();
      return false;
    }
  }

  #dispatch(event: ViolationEvent): void {
    this.#lastSeq = event.seq;
    if (this.#clients.size === 0) return;
    const frame = formatEvent(event); // once, for every client
    for (const client of this.#clients) client.offer(event.seq, frame);
  }
}
