import { existsSync } from "node:fs";
import { DEFAULT_POLICY } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { LiveRunner, liveRunnerOptions } from "../../runner/live.js";
import { collectSoftwareLinux } from "./collect.linux.js";
import { evaluateSoftware } from "./evaluate.js";

// Runs the collector on this very machine (a Debian container in CI): checks the shape of the facts, not the values.
describe("Linux software collector on this machine", () => {
  it("reads the real package inventory", async () => {
    const facts = await collectSoftwareLinux.collect(new LiveRunner(liveRunnerOptions("linux")));
    expect(facts.problems).toEqual([]);
    if (existsSync("/var/lib/dpkg/status")) {
      expect(facts.sources).toContain("dpkg");
      const debs = facts.packages.filter((p) => p.source === "dpkg");
      expect(debs.length).toBeGreaterThanOrEqual(100);
      for (const p of debs) {
        expect(p.name).toMatch(/^[a-z0-9][a-z0-9+.-]*$/);
        expect(p.version).toMatch(/^(\d+:)?\d/);
        expect(p.arch).toMatch(/^[a-z0-9-]+$/);
        expect(p.publisher).toMatch(/<.+>/);
      }
      expect(debs.map((p) => p.name)).toContain("dpkg");
    } else {
      expect(facts.sources).not.toContain("dpkg");
    }
    const result = evaluateSoftware(facts, DEFAULT_POLICY.software);
    expect(["pass", "fail"]).toContain(result.status);
  });
});
