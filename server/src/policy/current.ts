// The current policy, held in memory for the agent channel; loaded from storage at start (a later issue updates it on PUT).
import type { Policy } from "@wegroup/shared";

export class CurrentPolicy {
  #policy: Policy;

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

  replace(policy: Policy): void {
    this.#policy = policy;
  }
}
