// `pmset -g batt`: which power source is in use now, and the battery state.
import { ParseError } from "../../../runner/parse-error.js";

export interface PmsetBattery {
  name: string;
  percent?: number;
  /** "charging", "discharging", "charged", "AC attached", … as printed. */
  state?: string;
}

export interface PmsetBatt {
  /** "AC Power", "Battery Power" or "UPS Power": the name of the `pmset -g custom` section in force. */
  powerSource: string;
  batteries: PmsetBattery[];
}

export function parsePmsetBatt(text: string, source: string): PmsetBatt {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const head = /^Now drawing from '([^']+)'/.exec(lines[0]?.trim() ?? "");
  if (head === null) throw new ParseError(source, `expected "Now drawing from '…'", got ${JSON.stringify((lines[0] ?? "").slice(0, 80))}`);
  const batteries: PmsetBattery[] = [];
  for (const line of lines.slice(1)) {
    const battery = /^\s*-(\S+)(?:\s+\(id=\d+\))?\s*(.*)$/.exec(line);
    if (battery === null) continue;
    const [, name, rest] = battery as unknown as [string, string, string];
    const fields = rest.split(";").map((f) => f.trim());
    const percent = /^(\d+)%$/.exec(fields[0] ?? "");
    const entry: PmsetBattery = { name };
    if (percent !== null) entry.percent = Number(percent[1]);
    if (fields[1] !== undefined && fields[1] !== "") entry.state = fields[1];
    batteries.push(entry);
  }
  return { powerSource: head[1] as string, batteries };
}
