// Resident memory and CPU time of a process, read from /proc (Linux): the benchmark measures other processes from outside.
import { readFile } from "node:fs/promises";

/** /proc reports times in USER_HZ, which the Linux ABI fixes at 100 a second whatever the kernel's tick. */
const USER_HZ = 100;

/** Resident set size in bytes (VmRSS). */
export async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (match?.[1] === undefined) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/** Anonymous resident memory in bytes (heap, JIT code, malloc): RSS less the file-backed pages (the node binary's code). */
export async function anonBytes(pid: number): Promise<number> {
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, "utf8");
  const match = /^Anonymous:\s+(\d+)\s+kB$/m.exec(rollup);
  if (match?.[1] === undefined) throw new Error(`no Anonymous in /proc/${pid}/smaps_rollup`);
  return Number(match[1]) * 1024;
}

export interface CpuTimes {
  /** User + system time of the process itself, ms. */
  selfMs: number;
  /** User + system time of its children that it waited for (commands it ran), ms. */
  childrenMs: number;
}

/** CPU time so far, at the kernel's tick resolution (10 ms here). */
export async function cpuTimes(pid: number): Promise<CpuTimes> {
  return parseStat(await readFile(`/proc/${pid}/stat`, "utf8"));
}

export function parseStat(stat: string): CpuTimes {
  // The command name (field 2) may hold spaces and parentheses: fields are counted after the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const tick = (i: number): number => Number(fields[i] ?? 0);
  const ms = 1000 / USER_HZ;
  return { selfMs: (tick(11) + tick(12)) * ms, childrenMs: (tick(13) + tick(14)) * ms };
}
