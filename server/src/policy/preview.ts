// Policy previews: the candidate goes to every connected agent as a `preview` frame; their answers are collected until
// all answered or the wait ends. Agents apply nothing. On one instance (SQLite) nothing is stored. With several
// instances on one PostgreSQL database (`cluster`), the candidate is stored (too big for a NOTIFY), its id published
// on the cluster bus, each other instance sends it to its own agents and records their answers in the database, and
// the requesting instance reads them within the same wait.
import { randomUUID } from "node:crypto";
import { Policy, type PolicyPreview, PreviewResultFrame } from "@wegroup/shared";
import type { AgentRegistry } from "../agents/registry.js";
import { encodeServerFrame } from "../agents/frames.js";
import type { ClusterBus } from "../cluster/bus.js";
import type { Logger } from "../logger.js";
import { deletePreview, previewAnswers, previewCandidate, savePreviewAnswer, savePreviewCandidate } from "../store/previews.js";
import type { Db } from "../store/schema.js";
import { type PreviewAnswer, summarizePreview } from "./preview-summary.js";

/** How often the requesting instance reads the other instances' answers. */
const POLL_MS = 100;

interface Pending {
  waiting: Set<string>;
  answers: PreviewAnswer[];
  hostnames: ReadonlyMap<string, string>;
  done(): void;
}

/** A preview another instance asked for: this instance's agents' answers go to the database. */
interface Relayed {
  waiting: Set<string>;
  timer: NodeJS.Timeout;
}

export interface PreviewCluster {
  bus: ClusterBus;
  db: Db;
  logger: Logger;
  now(): Date;
  /** How long an instance records answers to a preview another asked for. */
  relayMs: number;
}

export class PolicyPreviews {
  readonly #pending = new Map<string, Pending>();
  readonly #relayed = new Map<string, Relayed>();
  #unsubscribe: (() => void) | undefined;

  constructor(
    private readonly deps: {
      registry: AgentRegistry;
      hostnames(ids: readonly string[]): Promise<Map<string, string>>;
      enrolled(): Promise<number>;
      /** Several instances on one database (PostgreSQL); absent on one instance. */
      cluster?: PreviewCluster;
    },
  ) {
    const cluster = deps.cluster;
    if (cluster !== undefined)
      this.#unsubscribe = cluster.bus.subscribe("preview", (id) => {
        // Its own previews reach this instance's agents directly.
        if (this.#pending.has(id)) return;
        this.#relay(cluster, id).catch((error: unknown) =>
          cluster.logger.error({ err: error, preview: id }, "relaying a policy preview failed"),
        );
      });
  }

  /** From a connection: the agent of `deviceId` answered. Late, unknown or repeated answers are dropped. */
  answered(deviceId: string, frame: PreviewResultFrame): void {
    const relayed = this.#relayed.get(frame.id);
    const cluster = this.deps.cluster;
    if (relayed !== undefined && cluster !== undefined) {
      if (!relayed.waiting.delete(deviceId)) return;
      savePreviewAnswer(cluster.db, frame.id, deviceId, JSON.stringify(frame), cluster.now()).catch((error: unknown) =>
        cluster.logger.error({ err: error, preview: frame.id }, "recording a policy preview answer failed"),
      );
      return;
    }
    const pending = this.#pending.get(frame.id);
    if (pending === undefined || !pending.waiting.delete(deviceId)) return;
    pending.answers.push({ deviceId, hostname: pending.hostnames.get(deviceId) ?? deviceId, frame });
    if (pending.waiting.size === 0 && this.deps.cluster === undefined) pending.done();
  }

  async preview(candidate: Policy, waitMs: number): Promise<PolicyPreview> {
    const id = `pv-${randomUUID()}`;
    const cluster = this.deps.cluster;
    const sessions = this.deps.registry.sessions();
    const hostnames = await this.deps.hostnames(sessions.map((s) => s.deviceId));
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const pending: Pending = { waiting: new Set(sessions.map((s) => s.deviceId)), answers: [], hostnames, done };
    this.#pending.set(id, pending);
    const timer = setTimeout(done, waitMs);
    const enrolled = await this.deps.enrolled();
    let remote: PreviewAnswer[] = [];
    let poll: NodeJS.Timeout | undefined;
    let collecting = true;
    try {
      const bytes = encodeServerFrame({ type: "preview", id, policy: candidate });
      for (const session of sessions) session.sendBytes(bytes);
      if (cluster === undefined) {
        if (sessions.length === 0) done();
      } else {
        await savePreviewCandidate(cluster.db, id, JSON.stringify(candidate), cluster.now());
        await cluster.bus.publish("preview", id);
        // How many instances there are is not known: the wait ends early only when every enrolled device answered.
        const read = async (): Promise<void> => {
          remote = await this.#remoteAnswers(cluster, id, pending);
          if (pending.answers.length + remote.length >= enrolled) done();
        };
        const tick = (): void => {
          // A read still running when the wait ended must not start another.
          if (!collecting) return;
          poll = setTimeout(() => {
            read().then(tick, (error: unknown) => {
              cluster.logger.error({ err: error, preview: id }, "reading policy preview answers failed");
              tick();
            });
          }, POLL_MS);
        };
        tick();
      }
      await finished;
      collecting = false;
      clearTimeout(poll);
      if (cluster !== undefined) {
        remote = await this.#remoteAnswers(cluster, id, pending);
        await deletePreview(cluster.db, id);
      }
    } finally {
      collecting = false;
      clearTimeout(timer);
      clearTimeout(poll);
      this.#pending.delete(id);
    }
    return summarizePreview([...pending.answers, ...remote], enrolled);
  }

  close(): void {
    this.#unsubscribe?.();
    for (const relayed of this.#relayed.values()) clearTimeout(relayed.timer);
    this.#relayed.clear();
  }

  /** Another instance asked: send its candidate to this instance's agents and record their answers for a while. */
  async #relay(cluster: PreviewCluster, id: string): Promise<void> {
    const stored = await previewCandidate(cluster.db, id);
    if (stored === undefined) return;
    const candidate = Policy.parse(JSON.parse(stored));
    const sessions = this.deps.registry.sessions();
    if (sessions.length === 0) return;
    const timer = setTimeout(() => this.#relayed.delete(id), cluster.relayMs);
    timer.unref();
    this.#relayed.set(id, { waiting: new Set(sessions.map((s) => s.deviceId)), timer });
    const bytes = encodeServerFrame({ type: "preview", id, policy: candidate });
    for (const session of sessions) session.sendBytes(bytes);
    cluster.logger.debug({ preview: id, asked: sessions.length }, "policy preview relayed to this instance's agents");
  }

  /** The answers other instances recorded, without devices this instance heard itself; a record that no longer parses is skipped. */
  async #remoteAnswers(cluster: PreviewCluster, id: string, pending: Pending): Promise<PreviewAnswer[]> {
    const local = new Set(pending.answers.map((a) => a.deviceId));
    const frames: { deviceId: string; frame: PreviewResultFrame }[] = [];
    for (const row of await previewAnswers(cluster.db, id)) {
      if (local.has(row.device_id)) continue;
      let parsed: ReturnType<typeof PreviewResultFrame.safeParse>;
      try {
        parsed = PreviewResultFrame.safeParse(JSON.parse(row.answer));
      } catch {
        continue;
      }
      if (parsed.success && parsed.data.id === id) frames.push({ deviceId: row.device_id, frame: parsed.data });
    }
    const hostnames = await this.deps.hostnames(frames.map((f) => f.deviceId));
    return frames.map((f) => ({ ...f, hostname: hostnames.get(f.deviceId) ?? f.deviceId }));
  }
}
