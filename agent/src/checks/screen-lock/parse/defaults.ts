// `defaults read …`: a value in old-style plist text on stdout, or "does not exist" on stderr (not set).
import { ParseError } from "../../../runner/parse-error.js";
import { nslogMessages } from "../../../platform/darwin/nslog.js";
import { parseOldStylePlist } from "../../../platform/darwin/old-style-plist.js";
import type { PlistValue } from "../../../platform/darwin/plist-value.js";

export type DefaultsRead = { kind: "value"; value: PlistValue } | { kind: "unset"; message: string };

/**
 * A missing key (`The domain/default pair of (D, K) does not exist`) or domain (`Domain D does not
 * exist`) means nobody set it and the OS default applies: that is an answer, not an error.
 */
export function parseDefaultsRead(stdout: string, stderr: string, source: string): DefaultsRead {
  if (stdout.trim() !== "") return { kind: "value", value: parseOldStylePlist(stdout, source) };
  const messages = nslogMessages(stderr);
  const missing = messages.find((m) => /^(The domain\/default pair of \(.*\)|Domain .+) does not exist$/.test(m));
  if (missing !== undefined) return { kind: "unset", message: missing };
  throw new ParseError(
    source,
    messages[0] === undefined ? "no output at all" : `unexpected message ${JSON.stringify(messages[0].slice(0, 120))}`,
  );
}
