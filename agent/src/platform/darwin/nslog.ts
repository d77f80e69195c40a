// The `2026-09-23 12:35:20.615 tool[pid:tid] ` prefix NSLog puts before messages on stderr (sysadminctl, defaults).

const PREFIX = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)? [^\s[\]]+\[\d+(?::[0-9a-fA-F]+)?\] ?/;

/**
 * The message lines of NSLog-style output, prefixes removed. A prefix may stand alone on its line
 * with the message on the next (`defaults` does that), so empty lines are dropped.
 */
export function nslogMessages(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.replace(PREFIX, "").trim())
    .filter((line) => line !== "");
}
