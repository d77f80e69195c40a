// What a `reg query` run means: keys, "not there" (exit 1, message in any language), or a failure to read.
import { SourceUnavailableError, type CommandOutput } from "../../runner/runner.js";
import { parseRegQuery, type RegKey } from "./reg-query.js";
import { firstLine } from "../../runner/decode.js";
import { exitFailure } from "../../runner/read-source.js";
import { decodeWindowsOutput } from "./windows-text.js";

export type RegQueryResult = { found: true; keys: RegKey[] } | { found: false; message: string };

/**
 * "Access is denied" in the languages Windows ships most; reg.exe's message is localized, so the
 * exit code says "failed" and only this tells a permission problem from a key that is not there.
 */
const ACCESS_DENIED =
  /access is denied|zugriff verweigert|acc[eè]s refus[eé]|acceso denegado|accesso negato|toegang geweigerd|acesso negado|odmowa dost[eę]pu|доступ запрещен|アクセスが拒否|拒绝访问|存取被拒|액세스가 거부/i;

/**
 * reg.exe exits 1 both for "the key or value does not exist" and for "access denied", with a
 * localized message on stderr. Absent is the common case and is an answer ("not set"); a denial
 * is not, so it becomes SourceUnavailableError and the caller reports the source as unreadable.
 */
export function interpretRegQuery(out: CommandOutput, source: string): RegQueryResult {
  if (out.exitCode === 0) return { found: true, keys: parseRegQuery(decodeWindowsOutput(out.stdout), source) };
  const message = firstLine(decodeWindowsOutput(out.stderr)) || firstLine(decodeWindowsOutput(out.stdout));
  if (out.exitCode === 1 && !ACCESS_DENIED.test(message)) return { found: false, message };
  throw new SourceUnavailableError(source, exitFailure(out, "win32"));
}

/** The source name of a reg query argv as people read it: `reg query "HKU\…\Desktop"`. */
export function regSource(argv: readonly string[]): string {
  return argv.map((part) => (/\s/.test(part) ? `"${part}"` : part)).join(" ");
}
