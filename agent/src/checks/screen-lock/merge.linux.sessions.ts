// Which of the listed logind sessions are local desktops, one per user (an active one first), and why the others are not.
import type { LoginSessionRow, SessionProperties } from "./parse/loginctl.js";

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
  { kind: "sessions"; sessions: DesktopSession[]; unreadable: { user: string; reason: string }[] } | { kind: "none"; reason: string };

/** A listed session with its show-session properties, or why they could not be read. */
export interface ListedSession {
  row: LoginSessionRow;
  properties: SessionProperties | { unread: string };
}

const GRAPHICAL_TYPES = new Set(["x11", "wayland", "mir"]);
const MAX_LISTED = 8;

/** The desktop session of each user, the users whose sessions could not be told apart, or why there is nothing to judge. */
export function desktopSessions(listed: readonly ListedSession[]): SessionScan {
  const chosen = new Map<string, { session: DesktopSession; rank: number }>();
  const unreadable = new Map<string, string>();
  const skipped: string[] = [];
  for (const { row, properties } of listed) {
    if ("unread" in properties) {
      // Without its properties a session on a seat may be a desktop (or a greeter the table marks).
      if (
        row.seat !== undefined &&
        row.sessionClass !== "greeter" &&
        row.sessionClass !== "manager" &&
        row.sessionClass !== "manager-early"
      ) {
        unreadable.set(row.user, `session ${row.id} on ${row.seat}: cannot tell whether it is a desktop (${properties.unread})`);
      } else {
        skipped.push(`${describeRow(row)}: no seat`);
      }
      continue;
    }
    const verdict = classify(row, properties);
    if (typeof verdict === "string") {
      skipped.push(`${describeRow(row)}: ${verdict}`);
      continue;
    }
    const rank = properties.state === "active" ? 0 : 1;
    const previous = chosen.get(row.user);
    if (previous === undefined || rank < previous.rank) chosen.set(row.user, { session: verdict, rank });
  }
  for (const user of chosen.keys()) unreadable.delete(user);

  if (chosen.size === 0 && unreadable.size === 0) {
    const named =
      skipped.slice(0, MAX_LISTED).join("; ") + (skipped.length > MAX_LISTED ? `; and ${skipped.length - MAX_LISTED} more` : "");
    return { kind: "none", reason: `no local graphical session (${named})` };
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
  const graphical =
    GRAPHICAL_TYPES.has(type) ||
    ((type === "tty" || type === "unspecified") && (display !== undefined || seat !== undefined) && desktop !== undefined);
  if (!graphical) return seat === undefined ? `${type} session without a seat (ssh or text login)` : `${type} session without a desktop`;
  return { user: props.name ?? row.user, uid: row.uid, sessionId: row.id, type, desktop, display };
}

function describeRow(row: LoginSessionRow): string {
  return `session ${row.id} of ${row.user}`;
}
