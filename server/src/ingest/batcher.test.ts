import { describe, expect, it } from "vitest";
import { Batcher, BatcherClosedError, type Scheduler } from "./batcher.js";

/** A scheduler the test fires by hand: no sleeping, every window explicit. */
class ManualScheduler implements Scheduler {
  readonly timers: { run: () => void; ms: number; cancelled: boolean }[] = [];
  schedule(run: () => void, ms: number): () => void {
    const timer = { run, ms, cancelled: false };
    this.timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }
  fire(): void {
    for (const t of this.timers.splice(0)) if (!t.cancelled) t.run();
  }
  get armed(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }
}

/** A writer whose commits the test releases one at a time. */
function gatedWriter() {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  const write = async (items: readonly number[]): Promise<string[]> => {
    batches.push([...items]);
    await new Promise<void>((resolve) => gates.push(resolve));
    return items.map((i) => `ok:${i}`);
  };
  const release = async (): Promise<void> => {
    gates.shift()?.();
    await flush();
  };
  return { batches, write, release };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("Batcher (group commit)", () => {
  it("holds items for the window and writes them in one batch", async () => {
    const scheduler = new ManualScheduler();
    const w = gatedWriter();
    const batcher = new Batcher(w.write, { maxItems: 100, maxDelayMs: 5 }, scheduler);
    const results = [1, 2, 3].map((i) => batcher.submit(i));
    expect(scheduler.timers.map((t) => t.ms)).toEqual([5]);
    expect(w.batches).toEqual([]);
    scheduler.fire();
    expect(w.batches).toEqual([[1, 2, 3]]);
    await w.release();
    await expect(Promise.all(results)).resolves.toEqual(["ok:1", "ok:2", "ok:3"]);
  });

  it("writes at once when maxItems are waiting, without waiting for the window", async () => {
    const scheduler = new ManualScheduler();
    const w = gatedWriter();
    const batcher = new Batcher(w.write, { maxItems: 2, maxDelayMs: 5 }, scheduler);
    const results = [batcher.submit(1), batcher.submit(2)];
    expect(w.batches).toEqual([[1, 2]]);
    expect(scheduler.armed).toBe(0);
    await w.release();
    await expect(Promise.all(results)).resolves.toEqual(["ok:1", "ok:2"]);
  });

  it("does not settle an item before its batch has committed", async () => {
    const scheduler = new ManualScheduler();
    const w = gatedWriter();
    const batcher = new Batcher(w.write, { maxItems: 10, maxDelayMs: 1 }, scheduler);
    let settled = false;
    void batcher.submit(1).then(() => (settled = true));
    scheduler.fire();
    await flush();
    expect(settled).toBe(false);
    await w.release();
    expect(settled).toBe(true);
  });

  it("gathers what arrives during a commit into the next batch, written right after", async () => {
    const scheduler = new ManualScheduler();
    const w = gatedWriter();
    const batcher = new Batcher(w.write, { maxItems: 10, maxDelayMs: 1 }, scheduler);
    const first = batcher.submit(1);
    scheduler.fire();
    const later = [2, 3, 4].map((i) => batcher.submit(i));
    expect(scheduler.armed).toBe(0); // no timer while a batch commits
    expect(w.batches).toEqual([[1]]);
    await w.release();
    expect(w.batches).toEqual([[1], [2, 3, 4]]);
    await w.release();
    await expect(Promise.all([first, ...later])).resolves.toEqual(["ok:1", "ok:2", "ok:3", "ok:4"]);
  });

  it("splits a backlog larger than maxItems into consecutive batches", async () => {
    const scheduler = new ManualScheduler();
    const w = gatedWriter();
    const batcher = new Batcher(w.write, { maxItems: 2, maxDelayMs: 1 }, scheduler);
    const all = [1, 2, 3, 4, 5].map((i) => batcher.submit(i));
    await w.release();
    await w.release();
    scheduler.fire();
    await w.release();
    expect(w.batches).toEqual([[1, 2], [3, 4], [5]]);
    await expect(Promise.all(all)).resolves.toHaveLength(5);
  });

  it("halves a failed batch down to the bad item, so that it fails alone", async () => {
    const scheduler = new ManualScheduler();
    const batches: number[][] = [];
    const batcher = new Batcher(
      async (items: readonly number[]) => {
        batches.push([...items]);
        if (items.includes(13)) throw new Error("poison");
        return items.map((i) => i * 10);
      },
      { maxItems: 10, maxDelayMs: 1 },
      scheduler,
    );
    const results = [1, 13, 2].map((i) =>
      batcher.submit(i).then(
        (v) => ({ ok: v }),
        (e: Error) => ({ error: e.message }),
      ),
    );
    scheduler.fire();
    expect(await Promise.all(results)).toEqual([{ ok: 10 }, { error: "poison" }, { ok: 20 }]);
    expect(batches).toEqual([[1, 13, 2], [1, 13], [1], [13], [2]]);
  });

  it("finds one bad item among 256 in about 2·log2(256) writes, not 256", async () => {
    const scheduler = new ManualScheduler();
    let writes = 0;
    const batcher = new Batcher(
      async (items: readonly number[]) => {
        writes++;
        if (items.includes(200)) throw new Error("poison");
        return items.map((i) => i);
      },
      { maxItems: 256, maxDelayMs: 1 },
      scheduler,
    );
    const results = Array.from({ length: 256 }, (_, i) =>
      batcher.submit(i).then(
        () => "ok",
        () => "refused",
      ),
    );
    const outcomes = await Promise.all(results);
    expect(outcomes.filter((o) => o === "refused")).toHaveLength(1);
    expect(outcomes[200]).toBe("refused");
    expect(writes).toBeLessThanOrEqual(1 + 2 * Math.log2(256));
  });

  it("fails the whole batch at once on an error that says splitting cannot help (the store is down)", async () => {
    const scheduler = new ManualScheduler();
    const batches: number[][] = [];
    const batcher = new Batcher(
      async (items: readonly number[]) => {
        batches.push([...items]);
        throw new Error("connection terminated");
      },
      { maxItems: 10, maxDelayMs: 1, splitOnError: (e) => !(e as Error).message.includes("connection") },
      scheduler,
    );
    const results = [1, 2, 3].map((i) => batcher.submit(i).catch((e: Error) => e.message));
    scheduler.fire();
    expect(await Promise.all(results)).toEqual(["connection terminated", "connection terminated", "connection terminated"]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it("rejects every item when the writer answers the wrong number of results", async () => {
    const scheduler = new ManualScheduler();
    const batcher = new Batcher(async () => [] as number[], { maxItems: 10, maxDelayMs: 1 }, scheduler);
    const one = batcher.submit(1);
    scheduler.fire();
    await expect(one).rejects.toThrow(/0 results for 1 items/);
  });

  it("writes what waits on close, then refuses new items", async () => {
    const scheduler = new ManualScheduler();
    const written: number[] = [];
    const batcher = new Batcher(
      async (items: readonly number[]) => {
        written.push(...items);
        return items.map(() => true);
      },
      { maxItems: 10, maxDelayMs: 1_000 },
      scheduler,
    );
    const pending = [batcher.submit(1), batcher.submit(2)];
    expect(batcher.pending).toBe(2);
    await batcher.close();
    expect(written).toEqual([1, 2]);
    await expect(Promise.all(pending)).resolves.toEqual([true, true]);
    await expect(batcher.submit(3)).rejects.toBeInstanceOf(BatcherClosedError);
  });
});
