// `rpm -qai` / `rpm -qi`: blocks of "Label   : value" lines, each ending in a free-text Description.
import { ParseError } from "../../../runner/parse-error.js";
import { toPackage, type RpmPackage } from "./rpm-common.js";

const FIELD = /^([A-Z][A-Za-z ]*?)\s*:(?: (.*))?$/;

/**
 * The Epoch line is there only when the package has one; Packager, Vendor and URL may be absent; names repeat for
 * multi-instance packages (kernel, gpg-pubkey). Entries may follow each other with or without a blank line. rpm ≥ 4.20
 * prints the signatures on indented lines under an empty "Signature   :".
 */
export function parseRpmInfo(text: string, source = "rpm -qai"): RpmPackage[] {
  const lines = text.split("\n");
  const packages: RpmPackage[] = [];
  let fields: Map<string, string> | undefined;
  let lastKey: string | undefined;
  let startLine = 0;
  let inDescription = false;
  const finish = (): void => {
    if (fields === undefined) return;
    const name = fields.get("name");
    const version = fields.get("version");
    const release = fields.get("release");
    if (name === undefined || name === "" || version === undefined || release === undefined) {
      throw new ParseError(source, `the entry at line ${startLine} lacks Name, Version or Release`);
    }
    packages.push(
      toPackage({
        name,
        epoch: fields.get("epoch"),
        version,
        release,
        arch: fields.get("architecture"),
        vendor: fields.get("vendor"),
        sourceRpm: fields.get("source rpm"),
        signature: fields.get("signature"),
        keyUserId: fields.get("summary") ?? fields.get("packager"),
      }),
    );
  };
  lines.forEach((line, i) => {
    if (isEntryStart(lines, i) && (fields === undefined || inDescription)) {
      finish();
      fields = new Map();
      startLine = i + 1;
      inDescription = false;
      lastKey = undefined;
    }
    if (fields === undefined) {
      if (line.trim() === "") return;
      throw new ParseError(source, `line ${i + 1} comes before any "Name :" line: "${line.slice(0, 120)}"`);
    }
    // The Description is free text (a PGP key block for gpg-pubkey, with its own "Version:" line): not fields.
    if (inDescription) return;
    const field = FIELD.exec(line);
    if (field === null) {
      if (line.trim() === "") return;
      if (/^\s/.test(line) && lastKey === "signature") {
        fields.set(lastKey, `${fields.get(lastKey) ?? ""}\n${line.trim()}`.trim());
        return;
      }
      throw new ParseError(source, `line ${i + 1} is not a "Label : value" line: "${line.slice(0, 120)}"`);
    }
    lastKey = (field[1] ?? "").toLowerCase();
    if (lastKey === "description") inDescription = true;
    else fields.set(lastKey, (field[2] ?? "").trim());
  });
  finish();
  return packages;
}

/** "Name        : x" followed by a Version (or Epoch) line: where one package's entry begins. */
function isEntryStart(lines: readonly string[], i: number): boolean {
  if (!/^Name\s+: \S/.test(lines[i] ?? "")) return false;
  return /^(?:Epoch|Version)\s+: /.test(lines[i + 1] ?? "");
}
