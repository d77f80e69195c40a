// Every recorded output in fixtures/ is read by a test, and every one has its provenance row in an INDEX.md.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const fixturesDir = join(root, "fixtures");

function walk(dir: string, keep: (path: string) => boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...walk(path, keep));
    else if (keep(path)) out.push(path);
  }
  return out;
}

const fixtures = walk(fixturesDir, (p) => !p.endsWith("INDEX.md") && !p.includes(`${join("fixtures", "bundles")}`));
const testSources = [join(root, "agent", "src"), join(root, "server", "src"), join(root, "test")]
  .flatMap((dir) => walk(dir, (p) => p.endsWith(".test.ts") || p.endsWith(".cases.ts")))
  .map((p) => readFileSync(p, "utf8"))
  .join("\n");

describe("fixtures", () => {
  it("holds the recorded outputs", () => {
    expect(fixtures.length).toBeGreaterThan(100);
  });

  it.each(fixtures.map((p) => [relative(fixturesDir, p)]))("%s is read by a test", (rel) => {
    const name = rel.split("/").pop() ?? rel;
    expect(testSources.includes(name), `${rel} is mentioned in no test`).toBe(true);
  });

  it.each(fixtures.map((p) => [relative(fixturesDir, p)]))("%s has a provenance row in its INDEX.md", (rel) => {
    const os = rel.split("/")[0] ?? "";
    const index = readFileSync(join(fixturesDir, os, "INDEX.md"), "utf8");
    const inFolder = rel.split("/").slice(1).join("/");
    expect(index.includes(inFolder) || index.includes(rel.split("/").pop() ?? rel), `${rel} has no INDEX row`).toBe(true);
  });
});
