// Preloaded (`node --import`) into a measured process: on exit it writes its own CPU time and peak RSS to $BENCH_USAGE_FILE.
import { readFileSync, writeFileSync } from "node:fs";
import { parseStat } from "./usage.js";

const file = process.env.BENCH_USAGE_FILE;
if (file !== undefined && file !== "") {
  process.once("exit", () => {
    const usage = process.resourceUsage();
    let childrenMs = 0;
    // getrusage's maxRSS keeps the parent's peak across exec (Linux): VmHWM is this program's own.
    let maxRssBytes = usage.maxRSS * 1024;
    try {
      childrenMs = parseStat(readFileSync("/proc/self/stat", "utf8")).childrenMs;
      const hwm = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
      if (hwm !== undefined) maxRssBytes = Number(hwm) * 1024;
    } catch {
      // not Linux: children's CPU is not known
    }
    const record = {
      cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
      childrenCpuMs: childrenMs,
      maxRssBytes,
      wallMs: process.uptime() * 1000,
    };
    writeFileSync(file, JSON.stringify(record));
  });
}
