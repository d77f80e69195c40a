// Test support for the installer tests: build a format once per test file, run tools, compare file trees.
import { execFile, spawn } from "node:child_process";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const DIST = join(ROOT, "installers", "dist");
export const CACHE = join(ROOT, "installers", ".cache");
export const VERSION = "0.1.0";
const execFileAsync = promisify(execFile);

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to completion; never throws on a non-zero exit (the test asserts the code). Resolves when the
 * process exits, not when its output closes: Wine leaves wineserver and services.exe holding the pipes.
 */
export function sh(
  cmd: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: Buffer; timeoutMs?: number } = {},
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 300_000);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      const done = (): void => {
        clearTimeout(grace);
        child.stdout.destroy();
        child.stderr.destroy();
        resolve({ code: code ?? (signal !== null ? 128 : -1), stdout, stderr });
      };
      // The output closes with the process, or — when a child it left behind holds the pipes — 2 s later.
      const grace = setTimeout(done, 2_000);
      child.once("close", done);
    });
    child.stdin.end(options.input);
  });
}

/** Builds one format with `npm run installers -- <format>` (the Node.js downloads are cached in installers/.cache). */
export async function buildInstaller(format: "deb" | "rpm" | "msi" | "pkg"): Promise<string> {
  const { stdout } = await execFileAsync(process.execPath, [join(ROOT, "installers", "build.mjs"), format], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  const m = /\[installers\] (\S+): /.exec(stdout);
  if (m?.[1] === undefined) throw new Error(`the build of ${format} printed no artefact:\n${stdout}`);
  return join(ROOT, m[1]);
}

/** Every path under the given roots (files, dirs, links), for before/after comparisons. */
export async function tree(roots: readonly string[], skip: readonly string[] = []): Promise<Set<string>> {
  const out = new Set<string>();
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      if (skip.some((s) => path === s || path.startsWith(`${s}/`))) continue;
      out.add(path);
      if (e.isDirectory()) await walk(path);
    }
  };
  for (const root of roots) await walk(root);
  return out;
}

export function difference(a: Set<string>, b: Set<string>): string[] {
  return [...a].filter((x) => !b.has(x)).sort();
}
