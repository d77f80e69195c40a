import { existsSync } from "node:fs";
import { DEFAULT_POLICY, foldText } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { collectReadingDeclared } from "../testing/declared-sources.js";
import { LiveRunner, liveRunnerOptions } from "../runner/live.js";
import { collectSoftwareLinux } from "../checks/software/collect.linux.js";
import { evaluateSoftware } from "../checks/software/evaluate.js";

// Runs the collector on this very machine (a Debian container in CI): checks the shape of the titles, not the values.
describe("Linux software collector on this machine", () => {
  it("folds the real package inventory into titles with their scope and origin", async () => {
    const facts = await collectReadingDeclared(collectSoftwareLinux, new LiveRunner(liveRunnerOptions("linux")));
    expect(facts.problems).toEqual([]);
    for (const t of facts.titles) {
      expect(t.key).toBe(t.key.trim());
      expect(t.key.startsWith(foldText(t.name))).toBe(true);
      expect(t.ids.length).toBeGreaterThanOrEqual(1);
      expect(t.versions.length).toBeGreaterThanOrEqual(1);
      expect(["installed", "dependency", "component"]).toContain(t.scope);
      // Either an origin or the reason there is none.
      expect(t.identity.origin !== undefined || t.unknown !== undefined).toBe(true);
    }
    expect(new Set(facts.titles.map((t) => t.key)).size).toBe(facts.titles.length);
    expect(["pass", "fail", "unknown"]).toContain(evaluateSoftware(facts, DEFAULT_POLICY.software).status);
    if (!existsSync("/var/lib/dpkg/status")) {
      expect(facts.sources).not.toContain("dpkg");
      return;
    }
    expect(facts.sources).toContain("dpkg");
    const debs = facts.titles.filter((t) => t.sources.includes("dpkg"));
    expect(debs.length).toBeGreaterThanOrEqual(100);
    for (const t of debs) {
      expect(t.name).toMatch(/^[a-z0-9][a-z0-9+.-]*$/);
      for (const id of t.ids) expect(id).toMatch(/^[a-z0-9][a-z0-9+.-]*$/);
      for (const v of t.versions) expect(v).toMatch(/^(\d+:)?\d/);
    }
    expect(debs.find((t) => t.ids.includes("dpkg"))?.key).toBe("dpkg");
    // glibc's binaries (libc6, libc-bin) are one title.
    expect(debs.filter((t) => t.ids.includes("libc6") || t.ids.includes("libc-bin")).map((t) => t.name)).toEqual(
      expect.arrayContaining(["glibc"]),
    );
    if (existsSync("/usr/bin/apt-cache") && existsSync("/var/lib/apt/lists")) {
      // Origins are repository URLs without a scheme, or local.
      for (const t of debs) if (t.identity.origin !== undefined) expect(t.identity.origin).toMatch(/^(local|[^\s:]+(\/[^\s]*)?|\[.+\])$/);
    }
  }, 60_000);
});
