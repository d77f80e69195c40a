// What wakes the service: intervals, a changed mount table, a swapped bundle file — each fires for the checks it names, debounced, and stops.
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AgentCheckId } from "@wegroup/shared";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Triggers } from "./triggers.js";

const logger = pino({ level: "silent" });

/** Resolves once `predicate` holds, polling every few milliseconds, or fails naming `what`. */
async function until(predicate: () => boolean, what: string, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("Triggers", () => {
  let triggers: Triggers;
  let fired: [readonly AgentCheckId[] | "all", string][];
  beforeEach(() => {
    triggers = new Triggers(logger);
    fired = [];
    triggers.on("check", (checks, why) => fired.push([checks, why]));
  });
  afterEach(() => {
    triggers.stop();
    vi.useRealTimers();
  });

  it("fires each interval for its checks, and nothing after stop", () => {
    vi.useFakeTimers();
    triggers.every(60, ["screen-lock", "usb-storage"], "interval");
    triggers.every(300, ["software"], "interval");
    vi.advanceTimersByTime(300_000);
    expect(fired.filter(([c]) => c !== "all" && c.includes("screen-lock"))).toHaveLength(5);
    expect(fired.filter(([c]) => c !== "all" && c.includes("software"))).toEqual([[["software"], "interval"]]);
    triggers.stop();
    vi.advanceTimersByTime(600_000);
    expect(fired).toHaveLength(6);
  });

  describe("on files", () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), "triggers-"));
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    it("fires once for the checks it names when the mount table changes (a burst is one wake), not when it stays", async () => {
      const mounts = join(dir, "mounts");
      await writeFile(mounts, "/dev/sda1 / ext4 rw 0 0\n");
      triggers.watchMounts(mounts, ["usb-storage"], 5, 200);
      await new Promise((resolve) => setTimeout(resolve, 40));
      expect(fired).toEqual([]);
      await writeFile(mounts, "/dev/sda1 / ext4 rw 0 0\n/dev/sdb1 /media/stick vfat rw 0 0\n");
      await new Promise((resolve) => setTimeout(resolve, 8));
      await writeFile(mounts, "/dev/sda1 / ext4 rw 0 0\n/dev/sdb1 /media/stick vfat ro 0 0\n");
      await until(() => fired.length > 0, "the mount-table wake");
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(fired).toEqual([[["usb-storage"], "the mount table changed"]]);
    });

    it("calls back once when a watched file is replaced by a rename (how a demo swaps its bundle)", async () => {
      const bundle = join(dir, "bundle.json");
      await writeFile(bundle, "{}");
      let changes = 0;
      triggers.watchFile(bundle, 20, () => changes++);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(changes).toBe(0);
      await writeFile(join(dir, "next.json"), '{"swapped":true}');
      await rename(join(dir, "next.json"), bundle);
      await until(() => changes > 0, "the bundle change");
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(changes).toBe(1);
    });
  });
});
