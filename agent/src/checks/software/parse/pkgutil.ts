// `pkgutil --pkgs` (installer receipt ids, one a line) and `pkgutil --pkg-info ID` (the receipt's version).
import { ParseError } from "../../../runner/parse-error.js";

/** Reverse-DNS ids in practice; any printable word characters are accepted, markup and control characters are not. */
const RECEIPT_ID = /^[A-Za-z0-9][^\s<>"\p{Cc}]*(?: [^\s<>"\p{Cc}]+)*$/u;

export function parsePkgutilPkgs(text: string, source: string): string[] {
  const ids: string[] = [];
  for (const [index, line] of text.split("\n").entries()) {
    const id = line.trim();
    if (id === "") continue;
    if (!RECEIPT_ID.test(id)) throw new ParseError(source, `line ${index + 1}: not a receipt id: ${JSON.stringify(id.slice(0, 80))}`);
    ids.push(id);
  }
  return ids;
}

export interface PkgReceipt {
  id: string;
  version?: string;
  volume?: string;
  location?: string;
  /** Seconds since the epoch. */
  installTime?: number;
}

/**
 * `package-id: …` / `version: …` / `volume: …` / `location: …` / `install-time: …` lines. A missing
 * receipt (`No receipt for 'ID' found at '/'.`, on stderr) is undefined: it was removed meanwhile.
 */
export function parsePkgutilPkgInfo(stdout: string, stderr: string, source: string): PkgReceipt | undefined {
  if (/^No receipt for '.*' found at '.*'\.?\s*$/m.test(stderr) && stdout.trim() === "") return undefined;
  const fields = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    const match = /^([a-z-]+):\s*(.*?)\s*$/.exec(line);
    if (match !== null) fields.set(match[1] as string, match[2] as string);
  }
  const id = fields.get("package-id");
  if (id === undefined || id === "") {
    const said = (stdout.trim() || stderr.trim()).split("\n")[0] ?? "";
    throw new ParseError(source, `expected "package-id: …", got ${said === "" ? "no output" : JSON.stringify(said.slice(0, 80))}`);
  }
  const receipt: PkgReceipt = { id };
  const version = fields.get("version");
  if (version !== undefined && version !== "") receipt.version = version;
  const volume = fields.get("volume");
  if (volume !== undefined && volume !== "") receipt.volume = volume;
  const location = fields.get("location");
  if (location !== undefined && location !== "") receipt.location = location;
  const time = fields.get("install-time");
  if (time !== undefined && /^\d+$/.test(time)) receipt.installTime = Number(time);
  return receipt;
}
