// `xset q`: the X server's own screen saver timeout (seconds, 0 = off) and the DPMS state; other sections are ignored.
import { ParseError } from "../../../runner/parse-error.js";

export interface XsetScreenSaver {
  /** Seconds of inactivity before the X screen saver activates; 0 = off. */
  timeoutSeconds: number;
  cycleSeconds: number | undefined;
  preferBlanking: boolean | undefined;
  allowExposures: boolean | undefined;
}

export interface XsetDpms {
  /** False when the server has no DPMS extension (Xvfb, some VMs). */
  supported: boolean;
  enabled: boolean | undefined;
  standbySeconds: number | undefined;
  suspendSeconds: number | undefined;
  offSeconds: number | undefined;
}

export interface XsetQuery {
  screenSaver: XsetScreenSaver;
  /** Absent when the output has no DPMS section (partial pastes, servers that do not print it). */
  dpms: XsetDpms | undefined;
}

export function parseXsetQ(text: string, source: string): XsetQuery {
  const sections = splitSections(text);
  const saver = sections.get("screen saver");
  if (saver === undefined) throw new ParseError(source, 'no "Screen Saver:" section');
  const saverPairs = pairs(saver);
  const timeout = saverPairs.get("timeout");
  if (timeout === undefined || !/^\d+$/.test(timeout)) {
    throw new ParseError(source, `Screen Saver section has no numeric timeout (got ${JSON.stringify(timeout ?? null)})`);
  }
  const screenSaver: XsetScreenSaver = {
    timeoutSeconds: Number(timeout),
    cycleSeconds: toCount(saverPairs.get("cycle")),
    preferBlanking: toYesNo(saverPairs.get("prefer blanking")),
    allowExposures: toYesNo(saverPairs.get("allow exposures")),
  };
  const dpmsLines = sections.get("dpms (energy star)");
  return { screenSaver, dpms: dpmsLines === undefined ? undefined : parseDpms(dpmsLines) };
}

function parseDpms(lines: readonly string[]): XsetDpms {
  const body = lines.join("\n");
  const p = pairs(lines);
  const supported = !/does not have the DPMS Extension/i.test(body);
  const state = /DPMS is (Enabled|Disabled)/i.exec(body)?.[1];
  return {
    supported,
    enabled: state === undefined ? (supported ? undefined : false) : state.toLowerCase() === "enabled",
    standbySeconds: toCount(p.get("standby")),
    suspendSeconds: toCount(p.get("suspend")),
    offSeconds: toCount(p.get("off")),
  };
}

/** Section title (lowercased, without the colon) -> its indented lines. */
function splitSections(text: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    if (!/^\s/.test(line)) {
      const title = /^(.+?):\s*$/.exec(line)?.[1];
      current = title === undefined ? undefined : [];
      if (title !== undefined && current !== undefined) sections.set(title.trim().toLowerCase(), current);
      continue;
    }
    current?.push(line.trim());
  }
  return sections;
}

/** `label:  value` pairs, several per line separated by runs of spaces. */
function pairs(lines: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of lines) {
    for (const m of line.matchAll(/([A-Za-z][A-Za-z ]*?):\s+(\S+)/g)) {
      out.set((m[1] as string).trim().toLowerCase(), m[2] as string);
    }
  }
  return out;
}

function toCount(raw: string | undefined): number | undefined {
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
}

function toYesNo(raw: string | undefined): boolean | undefined {
  if (raw === "yes") return true;
  if (raw === "no") return false;
  return undefined;
}
