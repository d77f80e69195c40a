// Policy previews: the candidate goes to every agent connected to this instance as a `preview` frame; their answers
// are collected until all answered or the wait ends. Nothing is stored; agents apply nothing.
import { randomUUID } from "node:crypto";
import type { Policy, PolicyPreview, PreviewResultFrame } from "@wegroup/shared";
import type { AgentRegistry } from "../agents/registry.js";
import { encodeServerFrame } from "../agents/frames.js";
import { type PreviewAnswer, summarizePreview } from "./preview-summary.js";

interface Pending {
  waiting: Set<string>;
  answers: PreviewAnswer[];
  hostnames: ReadonlyMap<string, string>;
  done(): void;
}

export class PolicyPreviews {
  readonly #pending = new Map<string, Pending>();

  constructor(
    private readonly deps: {
      registry: AgentRegistry;
      hostnames(ids: readonly string[]): Promise<Map<string, string>>;
      enrolled(): Promise<number>;
    },
  ) {}

  /** From a connection: the agent of `deviceId` answered. Late, unknown or repeated answers are dropped. */
  answered(deviceId: string, frame: PreviewResultFrame): void {
    const pending = this.#pending.get(frame.id);
    if (pending === undefined || !pending.waiting.delete(deviceId)) return;
    pending.answers.push({ deviceId, hostname: pending.hostnames.get(deviceId) ?? deviceId, frame });
    if (pending.waiting.size === 0) pending.done();
  }

  async preview(candidate: Policy, waitMs: number): Promise<PolicyPreview> {
    const id = `pv-${randomUUID()}`;
    const sessions = this.deps.registry.sessions();
    const hostnames = await this.deps.hostnames(sessions.map((s) => s.deviceId));
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const pending: Pending = { waiting: new Set(sessions.map((s) => s.deviceId)), answers: [], hostnames, done };
    this.#pending.set(id, pending);
    const timer = setTimeout(done, waitMs);
    try {
      const bytes = encodeServerFrame({ type: "preview", id, policy: candidate });
      for (const session of sessions) session.sendBytes(bytes);
      if (sessions.length === 0) done();
      await finished;
    } finally {
      clearTimeout(timer);
      this.#pending.delete(id);
    }
    return summarizePreview(pending.answers, await this.deps.enrolled());
  }
}
