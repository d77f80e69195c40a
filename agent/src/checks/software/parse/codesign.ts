// `codesign -dv` / `-dvv <path>` (written to stderr): what the code signature says about who signed the code.
import { ParseError } from "../../../runner/parse-error.js";

export interface CodeSignature {
  signed: boolean;
  /** The signing identifier, for an app its bundle id (`com.google.Chrome`). */
  identifier?: string;
  /** `TeamIdentifier=`; absent when the signature has none (`not set`: ad hoc or Apple platform code). */
  teamId?: string;
  /** `Authority=` lines, leaf first; only with `-dvv` (or more v's). */
  authorities: string[];
}

const UNSIGNED = /: code object is not signed at all\s*$/m;
const TEAM_ID = /^[A-Z0-9]{10}$/;

export function parseCodesignDisplay(stderr: string, source: string): CodeSignature {
  if (UNSIGNED.test(stderr)) return { signed: false, authorities: [] };
  const fields = new Map<string, string>();
  const authorities: string[] = [];
  for (const line of stderr.split("\n")) {
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (key === "Authority") authorities.push(value);
    else if (!fields.has(key)) fields.set(key, value);
  }
  if (!fields.has("Executable") && !fields.has("Identifier")) {
    const said = stderr.trim().split("\n")[0] ?? "";
    throw new ParseError(
      source,
      `expected "Executable=…" and "Identifier=…" lines, got ${said === "" ? "no output" : JSON.stringify(said.slice(0, 120))}`,
    );
  }
  const signature: CodeSignature = { signed: true, authorities };
  const identifier = fields.get("Identifier");
  if (identifier !== undefined && identifier !== "") signature.identifier = identifier;
  const team = fields.get("TeamIdentifier");
  if (team !== undefined && team !== "not set") {
    if (!TEAM_ID.test(team)) throw new ParseError(source, `TeamIdentifier is not a team id: ${JSON.stringify(team.slice(0, 40))}`);
    signature.teamId = team;
  }
  return signature;
}
