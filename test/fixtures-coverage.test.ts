// Every recorded output in fixtures/ is read by a test, and every one has its provenance row in an INDEX.md.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
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
/**
 * Every string literal (and template part) in a test's code: a fixture counts as read when its name is one,
 * or a path ending in it, as in `fixtureText("windows/powercfg/….txt")`, `${DIR}name` or a table row handed
 * to a fixture reader — a mention in a comment or in a test's title is not a read.
 */
function literalsOf(source: string): string[] {
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteralLike(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node))
      out.push(node.text);
    node.forEachChild(visit);
  };
  visit(ts.createSourceFile("test.ts", source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS));
  return out;
}

const reads = (literals: readonly string[], name: string): boolean => literals.some((text) => text === name || text.endsWith(`/${name}`));

const literals = [join(root, "agent", "src"), join(root, "server", "src"), join(root, "test")]
  .flatMap((dir) => walk(dir, (p) => p.endsWith(".test.ts") || p.endsWith(".cases.ts")))
  .flatMap((p) => literalsOf(readFileSync(p, "utf8")));

describe("fixtures", () => {
  it("holds the recorded outputs", () => {
    expect(fixtures.length).toBeGreaterThan(100);
  });

  it.each(fixtures.map((p) => [relative(fixturesDir, p)]))("%s is read by a test", (rel) => {
    const name = rel.split("/").pop() ?? rel;
    expect(reads(literals, name), `${rel} is in no test's string literal (a comment or a test title does not read it)`).toBe(true);
  });

  it("counts a name in code, not in a comment or a test title", () => {
    const source = [
      "// windows/x/probe-commented.txt",
      "/* probe-blocked.txt */",
      'it("reads probe-titled.txt", () => fixtureText("windows/x/probe-read.txt"));',
      "const rows = [{ file: `${DIR}probe-templated.txt` }, { file: 'probe-tabled.txt' }];",
    ].join("\n");
    const names = ["commented", "blocked", "titled", "read", "templated", "tabled"].map((n) => `probe-${n}.txt`);
    expect(names.filter((n) => reads(literalsOf(source), n))).toEqual(["probe-read.txt", "probe-templated.txt", "probe-tabled.txt"]);
  });

  it.each(fixtures.map((p) => [relative(fixturesDir, p)]))("%s has a provenance row in its INDEX.md", (rel) => {
    const os = rel.split("/")[0] ?? "";
    const index = readFileSync(join(fixturesDir, os, "INDEX.md"), "utf8");
    const inFolder = rel.split("/").slice(1).join("/");
    expect(index.includes(inFolder) || index.includes(rel.split("/").pop() ?? rel), `${rel} has no INDEX row`).toBe(true);
  });
});
