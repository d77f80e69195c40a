// Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went within given windows: top functions and top modules by self time.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileWindow {
  name: string;
  /** Monotonic ms (process.hrtime): V8 stamps samples on the same clock, in µs. */
  from: number;
  to: number;
}

export interface HotSpot {
  what: string;
  selfMs: number;
  percent: number;
}

export interface WindowSummary {
  name: string;
  /** The window, monotonic ms (so that a kept profile can be summarised again). */
  from: number;
  to: number;
  sampledMs: number;
  /** Share of the window the process was busy (not idle). */
  busyPercent: number;
  functions: HotSpot[];
  modules: HotSpot[];
  /** Time in the database driver (kysely, better-sqlite3, pg), by the server function that issued the query. */
  database: HotSpot[];
}

const DRIVERS = /node_modules\/(kysely|better-sqlite3|pg|pg-protocol)\//;

/** The server function a database sample belongs to: the nearest server/dist frame above it, or the driver step (commit). */
function databaseCaller(node: ProfileNode, parentOf: Map<number, number>, byId: Map<number, ProfileNode>): string | undefined {
  if (!DRIVERS.test(node.callFrame.url)) return undefined;
  let step: string | undefined;
  for (let id = parentOf.get(node.id); id !== undefined; id = parentOf.get(id)) {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) break;
    if (/\/server\/dist\//.test(frame.url)) return `${frame.functionName || "(anonymous)"} ${moduleOf(frame.url)}`;
    if (step === undefined && /Transaction$/.test(frame.functionName)) step = `${frame.functionName} (kysely)`;
  }
  return step ?? "(no server frame on the stack)";
}

export async function loadProfile(dir: string): Promise<CpuProfile | undefined> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith(".cpuprofile")).sort();
  const first = files[0];
  return first === undefined ? undefined : (JSON.parse(await readFile(path.join(dir, first), "utf8")) as CpuProfile);
}

/** A module's name: the npm package, or the workspace file (server/dist/ingest/apply.js). */
function moduleOf(url: string): string {
  if (url === "") return "(native / V8)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1] !== undefined) return pkg[1];
  if (url.startsWith("node:")) return url;
  const workspace = /\/(server|agent|shared)\/dist\/(.*)$/.exec(url);
  return workspace !== null ? `${workspace[1]}/${workspace[2]}` : path.basename(url);
}

export function summarise(profile: CpuProfile, window: ProfileWindow, top = 12): WindowSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id);
  const dbTime = new Map<string, number>();
  const fnTime = new Map<string, number>();
  const modTime = new Map<string, number>();
  let t = profile.startTime;
  let sampled = 0;
  let idle = 0;
  const fromUs = window.from * 1000;
  const toUs = window.to * 1000;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (t < fromUs || t > toUs) continue;
    const node = byId.get(profile.samples[i] ?? -1);
    if (node === undefined) continue;
    const ms = delta / 1000;
    sampled += ms;
    const frame = node.callFrame;
    if (frame.functionName === "(idle)") {
      idle += ms;
      continue;
    }
    const name = `${frame.functionName || "(anonymous)"} ${moduleOf(frame.url)}${frame.url !== "" ? `:${frame.lineNumber + 1}` : ""}`;
    fnTime.set(name, (fnTime.get(name) ?? 0) + ms);
    const mod = frame.url === "" ? frame.functionName : moduleOf(frame.url);
    modTime.set(mod, (modTime.get(mod) ?? 0) + ms);
    const caller = databaseCaller(node, parentOf, byId);
    if (caller !== undefined) dbTime.set(caller, (dbTime.get(caller) ?? 0) + ms);
  }
  const busy = sampled - idle;
  const rank = (m: Map<string, number>): HotSpot[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([what, selfMs]) => ({ what, selfMs: Math.round(selfMs), percent: busy > 0 ? Math.round((selfMs / busy) * 1000) / 10 : 0 }));
  return {
    name: window.name,
    from: window.from,
    to: window.to,
    sampledMs: Math.round(sampled),
    busyPercent: sampled > 0 ? Math.round((busy / sampled) * 100) : 0,
    functions: rank(fnTime),
    modules: rank(modTime),
    database: rank(dbTime),
  };
}

export function renderSummary(s: WindowSummary): string {
  const lines = [
    `server CPU profile, ${s.name}: ${s.sampledMs} ms sampled, busy ${s.busyPercent} %`,
    "  top functions (self time, % of busy):",
  ];
  for (const f of s.functions) lines.push(`    ${String(f.percent).padStart(5)} %  ${String(f.selfMs).padStart(6)} ms  ${f.what}`);
  lines.push("  top modules (self time):");
  for (const m of s.modules) lines.push(`    ${String(m.percent).padStart(5)} %  ${String(m.selfMs).padStart(6)} ms  ${m.what}`);
  lines.push("  database driver time by the server function that issued it:");
  for (const d of s.database) lines.push(`    ${String(d.percent).padStart(5)} %  ${String(d.selfMs).padStart(6)} ms  ${d.what}`);
  return lines.join("\n");
}
