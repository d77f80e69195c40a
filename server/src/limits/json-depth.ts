// Refuses deeply nested JSON before JSON.parse sees it: one linear pass over the bytes, no allocation.

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The deepest nesting of objects and arrays in `bytes` (UTF-8 JSON text), stopping as soon as it passes
 * `limit`. Brackets inside strings do not count. It does not validate: malformed text is JSON.parse's to
 * refuse, once it is known to be shallow. UTF-8 multi-byte sequences never contain ASCII bytes, so scanning
 * bytes is exact.
 */
export function jsonNestingDepth(bytes: Uint8Array, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
      continue;
    }
    if (b === QUOTE) inString = true;
    else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) depth--;
  }
  return deepest;
}

/** True when the text nests objects/arrays deeper than `maxDepth`. */
export function nestsDeeperThan(bytes: Uint8Array, maxDepth: number): boolean {
  return jsonNestingDepth(bytes, maxDepth) > maxDepth;
}
