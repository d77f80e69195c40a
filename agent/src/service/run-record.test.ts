// run.json and goodbye-reason in a state dir.
import { mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ended, newRun } from "./presence.js";
import { loadRunRecord, saveRunRecord, takeReasonFile } from "./run-record.js";

const logger = pino({ level: "silent" });

describe("the run record and the reason file", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "run-record-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("reads back what it wrote (root only), and nothing on a first run or from a damaged file", async () => {
    const path = join(dir, "run.json");
    expect(await loadRunRecord(path, logger)).toBeUndefined();
    const record = ended(newRun("boot-a", new Date("2026-03-01T10:00:00.000Z")), "upgrade", new Date("2026-03-01T11:00:00.000Z"));
    await saveRunRecord(path, record, true);
    expect(await loadRunRecord(path, logger)).toEqual(record);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await writeFile(path, '{"startedAt":');
    expect(await loadRunRecord(path, logger)).toBeUndefined();
  });

  it("takes the reason file's word and deletes the file; an unknown word counts as none, and is deleted too", async () => {
    const path = join(dir, "goodbye-reason");
    expect(await takeReasonFile(path, logger)).toBeUndefined();
    await writeFile(path, "uninstall\n");
    expect(await takeReasonFile(path, logger)).toBe("uninstall");
    expect(await readdir(dir)).toEqual([]);
    await writeFile(path, "because");
    expect(await takeReasonFile(path, logger)).toBeUndefined();
    expect(await readdir(dir)).toEqual([]);
  });
});
