// Case-insensitive glob matching for policy rules (package names, publishers, bundle ids).
import picomatch from "picomatch";

const cache = new Map<string, (value: string) => boolean>();

/** True when `value` matches the glob `pattern`, ignoring case; `*` also spans `/` and dots. */
export function globMatch(pattern: string, value: string): boolean {
  // picomatch throws on an empty pattern (found by fuzzing); an empty pattern matches only the empty name.
  if (pattern === "") return value === "";
  let matcher = cache.get(pattern);
  if (matcher === undefined) {
    // Package names and publishers are not paths: make `*` match any characters at all.
    const compiled = picomatch(pattern.replaceAll("/", "\u2215"), { nocase: true, dot: true, nobrace: false });
    matcher = (v: string) => compiled(v.replaceAll("/", "\u2215"));
    if (cache.size > 10_000) cache.clear();
    cache.set(pattern, matcher);
  }
  return matcher(value);
}
