// Every damaged state file is named, with what to do about it: enrollment, policy cache, status, outbox record.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { AppError } from "@wegroup/shared";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { statePaths } from "../config.js";
import { Outbox } from "../service/outbox.js";
import { loadCachedPolicy } from "../service/policy-cache.js";
import { readServiceStatusFile } from "../service/status.js";
import { loadEnrollment } from "./enrollment.js";
import { writeFileAtomically } from "./files.js";

function capturingLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString("utf8"));
      done();
    },
  });
  return { logger: pino({ level: "info" }, stream), text: () => lines.join("") };
}

describe("damaged agent state files", () => {
  let dir: string;
  let paths: ReturnType<typeof statePaths>;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "agent-state-"));
    paths = statePaths(dir);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ["truncated", '{"serverUrl":"https://c.example","deviceId":"d'],
    ["valid JSON of the wrong shape", '{"serverUrl":"not a url"}'],
  ])("names a %s enrollment.json and says to enroll again", async (_name, content) => {
    await writeFile(paths.enrollment, content);
    const error = await loadEnrollment(paths.enrollment).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as Error).message).toContain(paths.enrollment);
    expect((error as Error).message).toMatch(/is damaged .*Enroll this device again: compliance-agent enroll --server URL --secret SECRET/);
  });

  it("moves a damaged policy cache aside, naming it, where it went and what happens next", async () => {
    await writeFile(paths.policy, '{"version":3,"screenLock":');
    const { logger, text } = capturingLogger();
    const policy = await loadCachedPolicy(paths.policy, logger);
    expect(policy.version).toBe(0);
    expect(text()).toContain(`the cached policy ${paths.policy} is damaged`);
    expect(text()).toMatch(
      /moved to .*policy\.json\.corrupt-\d+ and the built-in default applies until the server sends the current policy/,
    );
    expect((await readdir(dir)).some((n) => n.startsWith("policy.json.corrupt-"))).toBe(true);
  });

  it("names a damaged status.json and says what to do", async () => {
    await writeFile(paths.status, '{"pid":12');
    const read = await readServiceStatusFile(paths.status);
    expect(read).toMatchObject({ kind: "damaged", problem: expect.stringContaining(paths.status) });
    expect(read.kind === "damaged" && read.problem).toMatch(/stop the service, delete the file and start the service again/);
  });

  it("names a damaged outbox record, where it went, and why nothing is lost", async () => {
    await mkdir(paths.outbox, { recursive: true });
    const file = join(paths.outbox, "0190f3c2-7c1a-7000-8000-000000000001.json");
    await writeFile(file, '{"type":"report","id":');
    const { logger, text } = capturingLogger();
    const outbox = await Outbox.open({ dir: paths.outbox, maxReports: 10, logger });
    expect(outbox.size).toBe(0);
    expect(text()).toContain(`the queued report ${file} is damaged`);
    expect(text()).toMatch(/moved to .*outbox\.corrupt for inspection .*reports the current state at its next connection/);
  });
});

describe("atomic writes", () => {
  it("lets many writes of one file race (a burst of policy pushes) without sharing a temp file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "agent-files-"));
    try {
      const file = join(dir, "policy.json");
      const versions = Array.from({ length: 20 }, (_, i) => `{"version":${i}}`);
      await Promise.all(versions.map((v) => writeFileAtomically(file, v)));
      expect(versions).toContain(await readFile(file, "utf8"));
      expect((await readdir(dir)).filter((n) => n.endsWith(".tmp"))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
