// Who has a local graphical session, from systemd-logind (loginctl): the users whose screen lock is judged.
import { decodeText } from "../../../runner/decode.js";
import { COMMAND_NOT_FOUND, SourceUnavailableError, type CommandRunner } from "../../../runner/runner.js";
import { fillArgv } from "../../types.js";
import { isLogindUnavailable, parseLoginctlSessions, parseShowSession, type LoginSessionRow, type SessionProperties } from "../parse/loginctl.js";
import { attempt, firstLine } from "./read.js";
import { LIST_SESSIONS, SHOW_SESSION } from "./sources.js";

/** One user's graphical session, the one whose desktop decides which settings are read. */
export interface DesktopSession {
  user: string;
  uid: number;
  sessionId: string;
  /** x11, wayland, mir, or tty for an X server started by hand (startx). */
  type: string;
  /** The raw Desktop= value ("ubuntu:GNOME", "KDE", "xfce"), undefined when logind does not know it. */
  desktop: string | undefined;
  display: string | undefined;
}

export type SessionScan =
  | { kind: "sessions"; sessions: DesktopSession[]; unreadable: { user: string; reason: string }[] }
  | { kind: "none"; reason: string };

const GRAPHICAL_TYPES = new Set(["x11", "wayland", "mir"]);
const MAX_LISTED = 8;

export async function scanSessions(runner: CommandRunner): Promise<SessionScan> {
  // Not recorded in a replay: the engine turns that into "unknown: not recorded: loginctl …".
  const out = await runner.run(LIST_SESSIONS);
  const stderr = decodeText(out.stderr);
  if (out.exitCode === COMMAND_NOT_FOUND) {
    return { kind: "none", reason: "loginctl is not installed: without systemd-logind the agent cannot tell which users have a desktop session" };
  }
  if (out.exitCode !== 0) {
    if (isLogindUnavailable(stderr)) {
      const why = stderr.split("\n").map((l) => l.trim()).filter((l) => l !== "").join(" ");
      return { kind: "none", reason: `systemd-logind is not available (${why}): the agent cannot tell which users have a desktop session` };
    }
    throw new SourceUnavailableError(LIST_SESSIONS.join(" "), `exit status ${out.exitCode}: ${firstLine(stderr) || "no error message"}`);
  }
  const rows = parseLoginctlSessions(decodeText(out.stdout), LIST_SESSIONS.join(" "));
  if (rows.length === 0) return { kind: "none", reason: "nobody is logged in (loginctl lists no session)" };

  const chosen = new Map<string, { session: DesktopSession; rank: number }>();
  const unreadable = new Map<string, string>();
  const skipped: string[] = [];
  for (const row of rows) {
    const argv = fillArgv(SHOW_SESSION, { session: row.id });
    const shown = await attempt(runner, argv);
    if (!shown.ok) {
      // Without its properties a session on a seat may be a desktop (or a greeter the table marks).
      if (row.seat !== undefined && row.sessionClass !== "greeter" && row.sessionClass !== "manager" && row.sessionClass !== "manager-early") {
        unreadable.set(row.user, `session ${row.id} on ${row.seat}: cannot tell whether it is a desktop (${shown.why})`);
      } else {
        skipped.push(`${describeRow(row)}: no seat`);
      }
      continue;
    }
    const props = parseShowSession(shown.text, argv.join(" "));
    const verdict = classify(row, props);
    if (typeof verdict === "string") {
      skipped.push(`${describeRow(row)}: ${verdict}`);
      continue;
    }
    const rank = props.state === "active" ? 0 : 1;
    const previous = chosen.get(row.user);
    if (previous === undefined || rank < previous.rank) chosen.set(row.user, { session: verdict, rank });
  }
  for (const user of chosen.keys()) unreadable.delete(user);

  if (chosen.size === 0 && unreadable.size === 0) {
    const listed = skipped.slice(0, MAX_LISTED).join("; ") + (skipped.length > MAX_LISTED ? `; and ${skipped.length - MAX_LISTED} more` : "");
    return { kind: "none", reason: `no local graphical session (${listed})` };
  }
  return {
    kind: "sessions",
    sessions: [...chosen.values()].map((c) => c.session),
    unreadable: [...unreadable].map(([user, reason]) => ({ user, reason })),
  };
}

/** A local desktop session of a real user, or why not. */
export function classify(row: LoginSessionRow, props: SessionProperties): DesktopSession | string {
  const sessionClass = props.sessionClass ?? row.sessionClass;
  if (props.remote === true) return "remote session";
  if (sessionClass !== undefined && sessionClass !== "user") return `class ${sessionClass} (not a user desktop)`;
  if (props.state === "closing") return "closing (user logged out)";
  const type = props.type ?? "unspecified";
  const seat = props.seat ?? row.seat;
  const display = props.display;
  const desktop = props.desktop;
  // startx and some display managers register an X session as "tty": a display or seat plus a desktop name give it away.
  const graphical = GRAPHICAL_TYPES.has(type) || ((type === "tty" || type === "unspecified") && (display !== undefined || seat !== undefined) && desktop !== undefined);
  if (!graphical) return seat === undefined ? `${type} session without a seat (ssh or text login)` : `${type} session without a desktop`;
  return { user: props.name ?? row.user, uid: row.uid, sessionId: row.id, type, desktop, display };
}

function describeRow(row: LoginSessionRow): string {
  return `session ${row.id} of ${row.user}`;
}
