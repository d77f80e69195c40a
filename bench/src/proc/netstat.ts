// The kernel's count of connections dropped because a listen queue was full (TcpExt ListenOverflows), machine-wide.
import { readFile } from "node:fs/promises";

/** Answers null where /proc/net/netstat is not there (not Linux). */
export async function listenOverflows(): Promise<number | null> {
  try {
    const lines = (await readFile("/proc/net/netstat", "utf8")).split("\n");
    for (let i = 0; i + 1 < lines.length; i += 2) {
      const names = (lines[i] ?? "").split(/\s+/);
      const values = (lines[i + 1] ?? "").split(/\s+/);
      if (names[0] !== "TcpExt:") continue;
      const at = names.indexOf("ListenOverflows");
      return at < 0 ? null : Number(values[at]);
    }
    return null;
  } catch {
    return null;
  }
}

/** Overflows between two readings (null when either is unknown). */
export const overflowsBetween = (before: number | null, after: number | null): number | null =>
  before === null || after === null ? null : after - before;
