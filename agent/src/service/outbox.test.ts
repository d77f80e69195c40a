import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pino } from "pino";
import { type AgentCheckId, type ReportFrame, uuidv7 } from "@wegroup/shared";
import { Outbox } from "./outbox.js";

const logger = pino({ level: "silent" });

function report(ms: number, ...checks: AgentCheckId[]): ReportFrame {
  return {
    type: "report",
    id: uuidv7(ms),
    observedAt: new Date(ms).toISOString(),
    policyVersion: 1,
    results: checks.map((check) => ({ check, status: "pass", violations: [] })),
  };
}

describe("Outbox", () => {
  let dir: string;
  beforeEach(async () => {
    dir = join(await mkdtemp(join(tmpdir(), "outbox-")), "outbox");
  });
  afterEach(async () => {
    await rm(join(dir, ".."), { recursive: true, force: true });
  });

  it("keeps reports across a restart, oldest first, until they are acknowledged", async () => {
    const first = await Outbox.open({ dir, maxReports: 100, logger });
    const a = report(1_000, "usb-storage");
    const b = report(2_000, "software");
    await first.put(b);
    await first.put(a);
    const second = await Outbox.open({ dir, maxReports: 100, logger });
    expect(second.pending().map((r) => r.id)).toEqual([a.id, b.id]);
    expect(await second.acknowledge(a.id)).toBe(true);
    expect(await second.acknowledge(a.id)).toBe(false);
    const third = await Outbox.open({ dir, maxReports: 100, logger });
    expect(third.pending().map((r) => r.id)).toEqual([b.id]);
  });

  it("skips a torn record left by a crash mid-write and moves a damaged one aside", async () => {
    const outbox = await Outbox.open({ dir, maxReports: 100, logger });
    const good = report(1_000, "usb-storage");
    await outbox.put(good);
    await writeFile(join(dir, `${uuidv7(2_000)}.json.123.456.tmp`), '{"type":"rep');
    await writeFile(join(dir, `${uuidv7(3_000)}.json`), '{"type":"report","id":');
    const reopened = await Outbox.open({ dir, maxReports: 100, logger });
    expect(reopened.pending().map((r) => r.id)).toEqual([good.id]);
    expect((await readdir(dir)).filter((n) => n.endsWith(".tmp"))).toEqual([]);
    expect(await readdir(`${dir}.corrupt`)).toHaveLength(1);
  });

  it("stays bounded by dropping superseded reports, never the newest state of a check", async () => {
    const outbox = await Outbox.open({ dir, maxReports: 3, logger });
    const reports = [
      report(1, "usb-storage"),
      report(2, "usb-storage"),
      report(3, "software"),
      report(4, "usb-storage"),
      report(5, "usb-storage"),
    ];
    for (const r of reports) await outbox.put(r);
    const kept = outbox.pending();
    expect(kept.length).toBeLessThanOrEqual(3);
    expect(kept.map((r) => r.id)).toContain(reports[2]?.id); // the only software state
    expect(kept.map((r) => r.id)).toContain(reports[4]?.id); // the newest usb-storage state
  });
});
