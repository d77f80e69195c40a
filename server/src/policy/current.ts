// The current policy, held in memory for the agent channel; loaded from storage at start, replaced on PUT and from the cluster bus.
import type { Policy } from "@wegroup/shared";
import { encodeServerFrame } from "../agents/frames.js";

export class CurrentPolicy {
  #policy: Policy;
  #frame: Buffer | undefined;

  constructor(policy: Policy) {
    this.#policy = policy;
  }

  get policy(): Policy {
    return this.#policy;
  }

  get version(): number {
    return this.#policy.version;
  }

  get heartbeatSeconds(): number {
    return this.#policy.heartbeatSeconds;
  }

  /** The `policy` frame, serialised once per policy: every hello of an agent behind sends these same bytes. */
  get frame(): Buffer {
    this.#frame ??= encodeServerFrame({ type: "policy", policy: this.#policy });
    return this.#frame;
  }

  replace(policy: Policy): void {
    this.#policy = policy;
    this.#frame = undefined;
  }
}
