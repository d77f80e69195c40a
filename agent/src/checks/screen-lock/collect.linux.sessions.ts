// Who has a local graphical session, from systemd-logind: loginctl list-sessions, then show-session for each (merge.linux.sessions.ts decides).
import { exitFailure, NOT_INSTALLED, outputText, readCommand, required, runCommand } from "../../runner/read-source.js";
import { SourceUnavailableError, type CommandRunner } from "../../runner/runner.js";
import { fillArgv } from "../types.js";
import { LIST_SESSIONS, SHOW_SESSION } from "./collect.linux.sources.js";
import { desktopSessions, type ListedSession, type SessionScan } from "./merge.linux.sessions.js";
import { isLogindUnavailable, parseLoginctlSessions, parseShowSession } from "./parse/loginctl.js";

export async function scanSessions(runner: CommandRunner): Promise<SessionScan> {
  const listing = await runCommand(runner, LIST_SESSIONS);
  if (!listing.ok && listing.reason === NOT_INSTALLED) {
    return {
      kind: "none",
      reason: "loginctl is not installed: without systemd-logind the agent cannot tell which users have a desktop session",
    };
  }
  // Not recorded in a replay: the check is unknown with "loginctl list-sessions --no-pager: not recorded".
  const out = required(listing);
  if (out.exitCode !== 0) {
    const stderr = outputText(runner.platform, out.stderr);
    if (isLogindUnavailable(stderr)) {
      const why = stderr
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l !== "")
        .join(" ");
      return { kind: "none", reason: `systemd-logind is not available (${why}): the agent cannot tell which users have a desktop session` };
    }
    throw new SourceUnavailableError(LIST_SESSIONS.join(" "), exitFailure(out, runner.platform));
  }
  const rows = parseLoginctlSessions(outputText(runner.platform, out.stdout), LIST_SESSIONS.join(" "));
  if (rows.length === 0) return { kind: "none", reason: "nobody is logged in (loginctl lists no session)" };
  const listed: ListedSession[] = [];
  for (const row of rows) {
    const shown = await readCommand(runner, [fillArgv(SHOW_SESSION, { session: row.id })], parseShowSession);
    listed.push({ row, properties: shown.ok ? shown.value : { unread: shown.description } });
  }
  return desktopSessions(listed);
}
