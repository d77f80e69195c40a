// Pushes the newest policy to the agents of this instance, and tells the other instances to do the same with theirs.
import type { Policy } from "@wegroup/shared";
import type { AgentRegistry } from "../agents/registry.js";
import type { ClusterBus } from "../cluster/bus.js";
import type { Logger } from "../logger.js";
import { recordPolicySent } from "../store/devices.js";
import { latestPolicy } from "../store/policies.js";
import type { Db } from "../store/schema.js";
import type { CurrentPolicy } from "./current.js";

/** The part of the cluster bus this needs. */
export type PolicyChannel = Pick<ClusterBus, "publish" | "subscribe" | "onReconnect">;

export interface PolicyPushDeps {
  db: Db;
  current: CurrentPolicy;
  registry: AgentRegistry;
  logger: Logger;
  /** Absent: one instance alone (tests of this module). */
  cluster?: PolicyChannel | undefined;
  /**
   * How often to compare with the stored newest version anyway, besides after each reconnect of the
   * bus: a notice lost in some other way must not leave this instance's agents on an old policy for long.
   */
  resyncMs?: number | undefined;
  /** A version was pushed to this many of this instance's agents (for /metrics). */
  onPush?: ((agents: number) => void) | undefined;
}

export class PolicyPush {
  readonly #deps: PolicyPushDeps;
  #unsubscribe: (() => void)[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(deps: PolicyPushDeps) {
    this.#deps = deps;
    const cluster = deps.cluster;
    if (cluster !== undefined) {
      this.#unsubscribe.push(
        cluster.subscribe("policy", (payload) => void this.#onNotice(payload)),
        cluster.onReconnect(() => void this.resync()),
      );
    }
    if (deps.resyncMs !== undefined && deps.resyncMs > 0) {
      this.#timer = setInterval(() => void this.resync(), deps.resyncMs);
      this.#timer.unref();
    }
  }

  /** A version just committed here: to this instance's agents at once, then to the others through the bus. */
  async published(policy: Policy): Promise<number> {
    const sent = await this.apply(policy);
    try {
      await this.#deps.cluster?.publish("policy", String(policy.version));
    } catch (error) {
      // Stored and pushed here; the other instances pick it up at their next resync.
      this.#deps.logger.error({ err: error, policyVersion: policy.version }, "could not notify the other instances of the new policy");
    }
    return sent;
  }

  /**
   * Makes `policy` current and sends it to every connected agent, serialised once, unless this
   * instance already runs it or a newer one (notices may arrive twice or out of order). Then records,
   * on each device row, that this version was sent: from then on, any instance treats reports judged by
   * an older version as outdated (the connections themselves know it from the moment of sending).
   */
  async apply(policy: Policy): Promise<number> {
    if (policy.version <= this.#deps.current.version) return 0;
    this.#deps.current.replace(policy);
    const sentTo = this.#deps.registry.pushPolicy(policy);
    this.#deps.logger.info({ policyVersion: policy.version, agents: sentTo.length }, "policy pushed");
    this.#deps.onPush?.(sentTo.length);
    try {
      await recordPolicySent(this.#deps.db, sentTo, policy.version);
    } catch (error) {
      // The frames went out; each connection still refuses outdated reports, and the next welcome records it again.
      this.#deps.logger.warn({ err: error, policyVersion: policy.version }, "could not record which devices were sent the policy");
    }
    return sentTo.length;
  }

  /** Loads the newest stored version and applies it if it is newer than the current one. */
  async resync(): Promise<number> {
    try {
      const stored = await latestPolicy(this.#deps.db);
      return stored === undefined ? 0 : await this.apply(stored.policy);
    } catch (error) {
      this.#deps.logger.warn({ err: error }, "could not load the newest policy");
      return 0;
    }
  }

  close(): void {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    if (this.#timer !== undefined) clearInterval(this.#timer);
  }

  async #onNotice(payload: string): Promise<void> {
    const version = Number(payload);
    if (Number.isInteger(version) && version <= this.#deps.current.version) return;
    await this.resync();
  }
}
