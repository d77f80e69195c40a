// Ends live-feed streams whose token was revoked: at once for a revoke through the API (any instance), within a bound for one from the admin CLI.
import type { ClusterBus } from "../cluster/bus.js";
import type { Logger } from "../logger.js";
import { liveTokenIds } from "../store/tokens.js";
import type { Db } from "../store/schema.js";
import type { FeedHub } from "./hub.js";

export interface TokenGuardDeps {
  db: Db;
  cluster: ClusterBus;
  feed: FeedHub;
  logger: Logger;
  /** How often the tokens of open streams are re-checked in the database (the CLI cannot reach a running server). */
  everyMs: number;
}

export class StreamTokenGuard {
  #timer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;
  #checking = false;

  constructor(private readonly deps: TokenGuardDeps) {}

  start(): void {
    this.#unsubscribe = this.deps.cluster.subscribe("token", (tokenId) => this.#close(tokenId, "revoked"));
    this.#timer = setInterval(() => void this.recheck(), this.deps.everyMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#unsubscribe?.();
  }

  /** Tells every instance (this one too) to end the token's streams. */
  async revoked(tokenId: string): Promise<void> {
    this.#close(tokenId, "revoked");
    await this.deps.cluster.publish("token", tokenId);
  }

  /** Ends the streams whose token is no longer live. */
  async recheck(): Promise<void> {
    if (this.#checking) return;
    this.#checking = true;
    try {
      const open = this.deps.feed.openTokenIds();
      if (open.size === 0) return;
      const live = await liveTokenIds(this.deps.db, [...open]);
      for (const id of open) if (!live.has(id)) this.#close(id, "no longer live");
    } catch (error) {
      this.deps.logger.warn({ err: error }, "could not re-check the tokens of open live-feed streams");
    } finally {
      this.#checking = false;
    }
  }

  #close(tokenId: string, why: string): void {
    const closed = this.deps.feed.closeClientsOf(tokenId);
    if (closed > 0) this.deps.logger.info({ tokenId, streams: closed }, `live-feed streams of a token that is ${why} closed`);
  }
}
