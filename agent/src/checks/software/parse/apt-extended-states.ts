// `/var/lib/apt/extended_states`: apt's marks of automatically installed packages (pulled in as dependencies).
import { ParseError } from "../../../runner/parse-error.js";
import { PACKAGE_NAME } from "./dpkg-common.js";

export interface AptAutoMark {
  name: string;
  /** apt records `Architecture: all` packages under the native architecture; absent in pre-multiarch files. */
  arch?: string;
  auto: boolean;
}

/** One mark per stanza. apt stores only automatic marks (`Auto-Installed: 1`): a package it does not list was installed by hand. */
export function parseAptExtendedStates(text: string, source = "/var/lib/apt/extended_states"): AptAutoMark[] {
  const marks: AptAutoMark[] = [];
  let fields = new Map<string, string>();
  let startLine = 0;
  const finish = (): void => {
    if (fields.size === 0) return;
    const name = fields.get("package");
    if (name === undefined || !PACKAGE_NAME.test(name))
      throw new ParseError(source, `the stanza at line ${startLine} has no valid Package field`);
    const auto = fields.get("auto-installed");
    if (auto !== undefined && auto !== "0" && auto !== "1")
      throw new ParseError(source, `package ${name} (line ${startLine}) has Auto-Installed "${auto}", expected 0 or 1`);
    const mark: AptAutoMark = { name, auto: auto === "1" };
    const arch = fields.get("architecture");
    if (arch !== undefined && arch !== "") mark.arch = arch;
    marks.push(mark);
    fields = new Map();
  };
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "") return finish();
    if (fields.size === 0) startLine = i + 1;
    const field = /^([A-Za-z][A-Za-z0-9-]*):\s*(.*)$/.exec(line);
    if (field === null) throw new ParseError(source, `line ${i + 1} is not a "Field: value" line: "${line.slice(0, 120)}"`);
    fields.set((field[1] ?? "").toLowerCase(), (field[2] ?? "").trim());
  });
  finish();
  return marks;
}
