// GLib keyfiles: `dconf dump` output, /etc/dconf/db/*.d/ keyfiles and .desktop autostart entries share this format.
import { ParseError } from "../../../runner/parse-error.js";

/** Group name -> key -> raw value text (for dconf a GVariant text, parsed by the caller). */
export type Keyfile = Map<string, Map<string, string>>;

/**
 * Parses a GLib keyfile: `[group]` headers, `key=value` lines (whitespace around both trimmed),
 * `#` comment lines and blank lines. Values are kept raw and may be very long. A key before the
 * first group or a line that is none of these is an error, as it is for GLib.
 */
export function parseKeyfile(text: string, source: string): Keyfile {
  const groups: Keyfile = new Map();
  let current: Map<string, string> | undefined;
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const line = (lines[index] as string).replace(/^\s+/, "");
    if (line === "" || line.startsWith("#")) continue;
    if (line.startsWith("[")) {
      const header = line.trimEnd();
      if (!header.endsWith("]") || header.length < 3)
        throw new ParseError(source, `line ${index + 1}: malformed group header ${quote(header)}`);
      const name = header.slice(1, -1);
      current = groups.get(name) ?? new Map<string, string>();
      groups.set(name, current);
      continue;
    }
    const eq = line.indexOf("=");
    if (eq <= 0) throw new ParseError(source, `line ${index + 1}: expected [group], key=value or a # comment, got ${quote(line)}`);
    if (current === undefined)
      throw new ParseError(source, `line ${index + 1}: key ${quote(line.slice(0, eq).trim())} before the first [group]`);
    current.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return groups;
}

/**
 * dconf's view of a keyfile: absolute directory path ("/org/gnome/desktop/session/") -> key -> value.
 * `dconf dump DIR` writes group names relative to DIR (`[session]` for `/org/gnome/desktop/`) and
 * `[/]` for keys directly in DIR; system keyfiles are dumps of `/`.
 */
export function parseDconfKeyfile(text: string, source: string, dumpedDir = "/"): Map<string, Map<string, string>> {
  const base = dumpedDir.endsWith("/") ? dumpedDir : `${dumpedDir}/`;
  if (!base.startsWith("/")) throw new ParseError(source, `dumped path must be absolute, got ${quote(dumpedDir)}`);
  const dirs = new Map<string, Map<string, string>>();
  for (const [group, keys] of parseKeyfile(text, source)) {
    const relative = group.replace(/^\/+|\/+$/g, "");
    const dir = relative === "" ? base : `${base}${relative}/`;
    const merged = dirs.get(dir) ?? new Map<string, string>();
    for (const [key, value] of keys) merged.set(key, value);
    dirs.set(dir, merged);
  }
  return dirs;
}

/** The raw value of `/dir/key` in a parsed dconf keyfile, or undefined when the dump does not set it (the default applies). */
export function dconfValue(dirs: ReadonlyMap<string, ReadonlyMap<string, string>>, keyPath: string): string | undefined {
  const slash = keyPath.lastIndexOf("/");
  return dirs.get(keyPath.slice(0, slash + 1))?.get(keyPath.slice(slash + 1));
}

function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}
