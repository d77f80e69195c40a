// `Get-AuthenticodeSignature … | Format-List` (and the default table view): one signature per file, with its signer's subject.
import { ParseError } from "../../../runner/parse-error.js";
import { parsePsTable } from "../../../platform/win32/ps-table.js";
import { dnAttribute, dnOrganisation } from "../../../platform/win32/distinguished-name.js";

export interface AuthenticodeSignature {
  /** The file as PowerShell printed it (a wrapped path is re-joined with a space: compare with `samePath`). */
  path: string;
  /** `Valid`, `NotSigned`, `HashMismatch`, `NotTrusted`, `UnknownError`, … */
  status: string;
  statusMessage?: string;
  /** `Authenticode` (embedded), `Catalog` (signed through a Windows catalog), `None`. */
  signatureType?: string;
  /** A file of Windows itself (catalog-signed by Microsoft Windows). */
  isOSBinary?: boolean;
  /** The signer certificate's subject DN: only the list view prints it. */
  signerSubject?: string;
  signerThumbprint?: string;
}

/** Who a `Valid` signature says signed the file: the subject's CN, and its O (else CN) as the publisher. */
export interface VerifiedSigner {
  signer: string;
  publisher: string;
}

/** `Name<padding> : value`, at the left margin. */
const PROPERTY = /^([A-Za-z][A-Za-z0-9]*)\s*:(?: (.*))?$/;
const TABLE_RULE = /^\s*-{3,}(?:\s+-{3,})+\s*$/;
const DIRECTORY = /^\s+Directory:\s*(.+)$/;

/**
 * Reads the list view, or the table view when that is what was printed. The list view prints a
 * certificate as its own text block (`[Subject]`, `[Issuer]`, … each over an indented value, with
 * blank lines between them) and wraps long values onto lines indented to the value column, so
 * records are told apart by a property coming round again, not by blank lines.
 */
export function parseAuthenticodeSignatures(text: string, source: string): AuthenticodeSignature[] {
  if (text.trim() === "") return [];
  const lines = text.split("\n").map((l) => l.replace(/\s+$/, ""));
  if (lines.some((l) => TABLE_RULE.test(l))) return parseTableView(lines, source);
  const records: Map<string, string[]>[] = [];
  let current: Map<string, string[]> | undefined;
  let last: string[] | undefined;
  lines.forEach((line, i) => {
    if (line.trim() === "") {
      last?.push("");
      return;
    }
    if (/^\s/.test(line)) {
      if (last === undefined)
        throw new ParseError(source, `line ${i + 1}: an indented line with no property before it: ${JSON.stringify(line.slice(0, 80))}`);
      last.push(line.trim());
      return;
    }
    const property = PROPERTY.exec(line);
    if (property === null) throw new ParseError(source, `line ${i + 1}: expected "Name : value", got ${JSON.stringify(line.slice(0, 80))}`);
    const name = (property[1] as string).toLowerCase();
    if (current === undefined || current.has(name)) {
      current = new Map();
      records.push(current);
    }
    last = [(property[2] ?? "").trim()];
    current.set(name, last);
  });
  return records.map((record, i) => toSignature(record, source, i));
}

/** Only a `Valid` signature with a signer subject names anyone; every other status leaves the file unverified. */
export function verifiedSigner(signature: AuthenticodeSignature): VerifiedSigner | undefined {
  if (signature.status.toLowerCase() !== "valid" || signature.signerSubject === undefined) return undefined;
  const signer = dnAttribute(signature.signerSubject, "CN");
  const publisher = dnOrganisation(signature.signerSubject);
  return signer === undefined || publisher === undefined ? undefined : { signer, publisher };
}

/** Paths compared as Windows does (case-insensitive), ignoring whitespace that list-view wrapping may have added or removed. */
export function samePath(a: string, b: string): boolean {
  return a.replace(/\s+/g, "").toLowerCase() === b.replace(/\s+/g, "").toLowerCase();
}

function toSignature(record: Map<string, string[]>, source: string, index: number): AuthenticodeSignature {
  const path = joined(record.get("path"));
  const status = joined(record.get("status"));
  if (path === undefined || status === undefined)
    throw new ParseError(source, `signature ${index + 1}: expected Path and Status, got ${[...record.keys()].join(", ")}`);
  const signature: AuthenticodeSignature = { path, status };
  const statusMessage = joined(record.get("statusmessage"));
  const signatureType = joined(record.get("signaturetype"));
  const isOSBinary = joined(record.get("isosbinary"));
  if (statusMessage !== undefined) signature.statusMessage = statusMessage;
  if (signatureType !== undefined) signature.signatureType = signatureType;
  if (isOSBinary !== undefined) signature.isOSBinary = isOSBinary.toLowerCase() === "true";
  const certificate = certificateSections(record.get("signercertificate") ?? []);
  const subject = certificate.get("subject");
  const thumbprint = certificate.get("thumbprint");
  if (subject !== undefined) signature.signerSubject = subject;
  if (thumbprint !== undefined) signature.signerThumbprint = thumbprint;
  return signature;
}

/** A wrapped value: Format-List breaks at spaces, so its lines are joined with one. */
function joined(lines: readonly string[] | undefined): string | undefined {
  if (lines === undefined) return undefined;
  const text = lines
    .filter((l) => l !== "")
    .join(" ")
    .trim();
  return text === "" ? undefined : text;
}

/**
 * A certificate's text block: `[Section]` headers, each over one value (a DN, a serial, a date),
 * which may itself wrap; so a section's value is all its lines joined.
 */
function certificateSections(lines: readonly string[]): Map<string, string> {
  const sections = new Map<string, string>();
  let name: string | undefined;
  let value: string[] = [];
  const flush = () => {
    if (name !== undefined && value.length > 0) sections.set(name, value.join(" "));
  };
  for (const line of lines) {
    if (line === "") continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header !== null) {
      flush();
      name = (header[1] as string).toLowerCase();
      value = [];
    } else if (name !== undefined) {
      value.push(line);
    }
  }
  flush();
  return sections;
}

/** The default view: per directory, a table of thumbprint, status, message and file name. No subject, so no identity. */
function parseTableView(lines: readonly string[], source: string): AuthenticodeSignature[] {
  const signatures: AuthenticodeSignature[] = [];
  let directory = "";
  let block: string[] = [];
  const flush = () => {
    if (block.some((l) => l.trim() !== "")) {
      for (const row of parsePsTable(block.join("\n"), source)) {
        const name = typeof row.Path === "string" ? row.Path : "";
        const status = typeof row.Status === "string" ? row.Status : "";
        if (name === "" && status === "") continue;
        if (name === "" || status === "") throw new ParseError(source, "a table row without a Path or a Status");
        const signature: AuthenticodeSignature = {
          path: /^[A-Za-z]:\\|^\\\\/.test(name) || directory === "" ? name : `${directory.replace(/\\$/, "")}\\${name}`,
          status,
        };
        if (typeof row.StatusMessage === "string" && row.StatusMessage !== "") signature.statusMessage = row.StatusMessage;
        if (typeof row.SignerCertificate === "string" && row.SignerCertificate !== "") signature.signerThumbprint = row.SignerCertificate;
        signatures.push(signature);
      }
    }
    block = [];
  };
  for (const line of lines) {
    const dir = DIRECTORY.exec(line);
    if (dir !== null) {
      flush();
      directory = (dir[1] as string).trim();
    } else {
      block.push(line);
    }
  }
  flush();
  return signatures;
}
