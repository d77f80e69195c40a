// `sysadminctl -screenLock status`: whether waking the screen asks for a password, and after what delay.
import { ParseError } from "../../../runner/parse-error.js";
import { nslogMessages } from "../../../platform/darwin/nslog.js";

/**
 * Seconds after the screen saver or display sleep starts until a password is required; 0 = at once;
 * null = screen lock off. The answer is one NSLog line on stderr (the caller passes stderr and stdout
 * together): `screenLock delay is immediate`, `screenLock delay is 300 seconds`, `screenLock is off`.
 */
export function parseSysadminctlScreenLock(text: string, source: string): number | null {
  const messages = nslogMessages(text);
  for (const message of messages) {
    if (/^screenLock delay is immediate\.?$/i.test(message)) return 0;
    const seconds = /^screenLock delay is (\d+) seconds?\.?$/i.exec(message);
    if (seconds !== null) return Number(seconds[1]);
    if (/^screenLock is off\.?$/i.test(message)) return null;
  }
  const said = messages[0] === undefined ? "no output" : JSON.stringify(messages[0].slice(0, 120));
  throw new ParseError(source, `expected "screenLock delay is …" or "screenLock is off", got ${said}`);
}
