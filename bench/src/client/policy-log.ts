// Which agents applied which pushed policy version, and when: the client side of a push measurement.

interface Applied {
  agents: Set<object>;
  firstAt: number;
  lastAt: number;
  /** The first copy received, byte for byte. */
  raw: string;
}

export class PolicyLog {
  readonly #byVersion = new Map<number, Applied>();

  record(agent: object, version: number, at: number, raw: string): void {
    let entry = this.#byVersion.get(version);
    if (entry === undefined) {
      entry = { agents: new Set(), firstAt: at, lastAt: at, raw };
      this.#byVersion.set(version, entry);
    }
    entry.agents.add(agent);
    entry.lastAt = Math.max(entry.lastAt, at);
  }

  get(version: number): Readonly<Applied> | undefined {
    return this.#byVersion.get(version);
  }

  appliedCount(version: number): number {
    return this.#byVersion.get(version)?.agents.size ?? 0;
  }

  /** Applications of any version (on connect, each agent applies the one pushed on its hello). */
  total(): number {
    let n = 0;
    for (const entry of this.#byVersion.values()) n += entry.agents.size;
    return n;
  }

  lastAt(): number {
    let last = 0;
    for (const entry of this.#byVersion.values()) last = Math.max(last, entry.lastAt);
    return last;
  }
}
