// loginctl output: the `list-sessions` table in every systemd layout, and `show-session` Key=Value properties.
import { ParseError } from "../../../runner/parse-error.js";

export interface LoginSessionRow {
  id: string;
  uid: number;
  user: string;
  /** From the table when it has the column and the cell is not empty ("" and "-" mean none). */
  seat: string | undefined;
  tty: string | undefined;
  /** systemd 256+ prints CLASS (user, greeter, manager, …). */
  sessionClass: string | undefined;
}

/** What `show-session` says about one session; properties an older systemd does not print are undefined. */
export interface SessionProperties {
  id: string | undefined;
  name: string | undefined;
  type: string | undefined;
  sessionClass: string | undefined;
  desktop: string | undefined;
  remote: boolean | undefined;
  state: string | undefined;
  display: string | undefined;
  seat: string | undefined;
  tty: string | undefined;
  service: string | undefined;
  active: boolean | undefined;
}

const FOOTER = /^\d+ sessions? listed\.$|^No sessions\.?$/i;
const SESSION_ID = /^[A-Za-z0-9_-]+$/;

/**
 * Parses `loginctl list-sessions`: 2015 (SESSION UID USER SEAT), 2016-2022 (+TTY), systemd 252
 * (+IDLE SINCE), 256 (+LEADER CLASS, "-" for empty cells); with or without the header and the
 * "N sessions listed." footer; a JSON array when the option was honoured. SESSION, UID and USER
 * are never empty, so they are read by position; the other cells are matched to header columns by
 * where they start, because empty SEAT/TTY cells leave nothing to split on.
 */
export function parseLoginctlSessions(text: string, source: string): LoginSessionRow[] {
  const trimmed = text.trim();
  if (trimmed.startsWith("[")) return parseJsonSessions(trimmed, source);
  const lines = text.split("\n").filter((line) => line.trim() !== "" && !FOOTER.test(line.trim()));
  if (lines.length === 0) return [];
  let columns: { name: string; start: number }[] | undefined;
  let body = lines;
  if (/^\s*SESSION\s/.test(lines[0] as string)) {
    columns = [...(lines[0] as string).matchAll(/\S+/g)].map((m) => ({ name: m[0].toUpperCase(), start: m.index }));
    body = lines.slice(1);
  }
  return body.map((line, index) => parseRow(line, columns, source, index + (columns === undefined ? 1 : 2)));
}

function parseRow(line: string, columns: { name: string; start: number }[] | undefined, source: string, lineNo: number): LoginSessionRow {
  const tokens = [...line.matchAll(/\S+/g)].map((m) => ({ text: m[0], start: m.index }));
  const [id, uid, user] = tokens;
  if (id === undefined || uid === undefined || user === undefined || !SESSION_ID.test(id.text) || !/^\d+$/.test(uid.text)) {
    throw new ParseError(source, `line ${lineNo}: expected "SESSION UID USER …", got ${JSON.stringify(line.slice(0, 100))}`);
  }
  const cells = new Map<string, string>();
  if (columns !== undefined) {
    const rest = columns.slice(3);
    const extra = tokens.slice(3);
    if (extra.length === rest.length) {
      extra.forEach((token, i) => cells.set((rest[i] as { name: string }).name, token.text));
    } else {
      // Fewer cells than columns: give each cell to the nearest column at or after the previous one.
      let from = 0;
      for (const token of extra) {
        let best = -1;
        for (let c = from; c < rest.length; c++) {
          if (
            best < 0 ||
            Math.abs((rest[c] as { start: number }).start - token.start) < Math.abs((rest[best] as { start: number }).start - token.start)
          )
            best = c;
        }
        if (best < 0) break;
        cells.set((rest[best] as { name: string }).name, token.text);
        from = best + 1;
      }
    }
  }
  return {
    id: id.text,
    uid: Number(uid.text),
    user: user.text,
    seat: cell(cells.get("SEAT")),
    tty: cell(cells.get("TTY")),
    sessionClass: cell(cells.get("CLASS")),
  };
}

function cell(value: string | undefined): string | undefined {
  return value === undefined || value === "" || value === "-" ? undefined : value;
}

function parseJsonSessions(text: string, source: string): LoginSessionRow[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new ParseError(source, `starts like JSON but is not: ${(error as Error).message}`);
  }
  if (!Array.isArray(doc)) throw new ParseError(source, "expected a JSON array of sessions");
  return doc.map((item: unknown, index) => {
    const o = (item ?? {}) as Record<string, unknown>;
    const id = o.session;
    const uid = o.uid;
    const user = o.user;
    if (typeof id !== "string" || typeof uid !== "number" || typeof user !== "string") {
      throw new ParseError(source, `session [${index}]: expected string session, number uid and string user`);
    }
    const str = (v: unknown) => (typeof v === "string" ? cell(v) : undefined);
    return { id, uid, user, seat: str(o.seat), tty: str(o.tty), sessionClass: str(o.class) };
  });
}

/** Parses `loginctl show-session ID` (Key=Value lines; values may contain "=" or be empty). */
export function parseShowSession(text: string, source: string): SessionProperties {
  const map = new Map<string, string>();
  for (const [index, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    const eq = line.indexOf("=");
    if (eq <= 0 || !/^[A-Za-z][A-Za-z0-9]*$/.test(line.slice(0, eq))) {
      throw new ParseError(source, `line ${index + 1}: expected Key=Value, got ${JSON.stringify(line.slice(0, 100))}`);
    }
    map.set(line.slice(0, eq), line.slice(eq + 1));
  }
  if (map.size === 0) throw new ParseError(source, "no properties");
  const str = (key: string) => {
    const v = map.get(key)?.trim();
    return v === undefined || v === "" ? undefined : v;
  };
  const bool = (key: string) => {
    const v = str(key);
    return v === undefined ? undefined : v === "yes" || v === "true";
  };
  return {
    id: str("Id"),
    name: str("Name"),
    type: str("Type")?.toLowerCase(),
    sessionClass: str("Class")?.toLowerCase(),
    desktop: str("Desktop"),
    remote: bool("Remote"),
    state: str("State")?.toLowerCase(),
    display: str("Display"),
    seat: str("Seat"),
    tty: str("TTY"),
    service: str("Service"),
    active: bool("Active"),
  };
}

/** True when loginctl failed because there is no systemd-logind to ask (containers, non-systemd init). */
export function isLogindUnavailable(stderr: string): boolean {
  return /Failed to connect to bus|System has not been booted with systemd|Failed to get D-Bus connection|org\.freedesktop\.login1.*(not|was not) (provided|found)/i.test(
    stderr,
  );
}
