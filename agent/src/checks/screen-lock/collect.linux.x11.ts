// The X server's own screen saver timeout (xset q), quoted when a session's locker cannot be identified.
import type { CommandRunner } from "../../runner/runner.js";
import { fillArgv } from "../types.js";
import { parseXsetQ } from "./parse/xset.js";
import { readCommandText, XSET_QUERY } from "./collect.linux.sources.js";
import type { DesktopSession } from "./merge.linux.sessions.js";

/**
 * A sentence on the X idle timeout of an X11 session, for the "cannot read" reason: it shows what
 * blanks the screen, not whether anything locks it. Empty for sessions without an X display.
 */
export async function describeXIdle(runner: CommandRunner, session: DesktopSession): Promise<string> {
  if (session.display === undefined) return "";
  const argv = fillArgv(XSET_QUERY, { user: session.user, display: session.display });
  const out = await readCommandText(runner, argv);
  if (!out.ok) return `; X idle timeout unknown (${out.description})`;
  const { screenSaver } = parseXsetQ(out.value, `xset q on ${session.display}`);
  return screenSaver.timeoutSeconds === 0
    ? `; the X server's screen saver is off (xset q: timeout 0)`
    : `; the X server's screen saver starts after ${screenSaver.timeoutSeconds} s (xset q), but no known locker is shown to be attached to it`;
}
