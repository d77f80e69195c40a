// The cached policy on disk: absent → the built-in default; saved → read back; damaged → moved aside, named, default.
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_POLICY, Policy } from "@wegroup/shared";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadCachedPolicy, saveCachedPolicy } from "./policy-cache.js";

describe("the policy cache", () => {
  let dir: string;
  let path: string;
  const lines: string[] = [];
  const logger = pino({ level: "warn" }, { write: (line: string) => void lines.push(line) });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "policy-cache-"));
    path = join(dir, "policy.json");
    lines.length = 0;
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("answers the built-in default before any policy arrived", async () => {
    expect(await loadCachedPolicy(path, logger)).toEqual(DEFAULT_POLICY);
  });

  it("reads back what it saved, readable by root only", async () => {
    const policy = Policy.parse({
      version: 7,
      screenLock: {},
      usbStorage: { allowed: true },
      software: { mode: "allowlist" },
      heartbeatSeconds: 30,
    });
    await saveCachedPolicy(path, policy);
    expect(await loadCachedPolicy(path, logger)).toEqual(policy);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it.each([
    ["not JSON", "{version: 3", /not JSON/],
    ["JSON that is not a policy", JSON.stringify({ version: "three" }), /version/],
  ])("moves a damaged cache (%s) aside, says where and why, and applies the default", async (_name, text, problem) => {
    await writeFile(path, text);
    expect(await loadCachedPolicy(path, logger)).toEqual(DEFAULT_POLICY);
    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^policy\.json\.corrupt-\d+$/);
    expect(await readFile(join(dir, files[0] ?? ""), "utf8")).toBe(text);
    const logged = JSON.parse(lines[0] ?? "{}") as { file?: string; movedTo?: string; problem?: string };
    expect(logged.file).toBe(path);
    expect(logged.movedTo).toBe(join(dir, files[0] ?? ""));
    expect(logged.problem).toMatch(problem);
  });

  it("refuses a cache it cannot read (here: a directory in its place) with what to do, and leaves it in place", async () => {
    await mkdir(path);
    await expect(loadCachedPolicy(path, logger)).rejects.toThrow(/cannot read the cached policy .*EISDIR.*permissions/);
    expect(await readdir(dir)).toEqual(["policy.json"]);
  });
});
