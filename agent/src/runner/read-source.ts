// The one way collectors read a source (commands in fallback order, optional files and directories) and word why it gave nothing.
import type { Platform } from "@wegroup/shared";
import { decodeWindowsOutput } from "../platform/win32/windows-text.js";
import { decodeText, firstLine } from "./decode.js";
import { ParseError } from "./parse-error.js";
import { COMMAND_NOT_FOUND, NotRecordedError, SourceUnavailableError, type CommandOutput, type CommandRunner } from "./runner.js";

/** What a source gave: its value and what it was read from, or why it gave nothing. */
export type SourceRead<T> = SourceValue<T> | SourceUnread;

export interface SourceValue<T> {
  readonly ok: true;
  readonly value: T;
  /** The command (label) or path the value came from: the source parsers name in their errors. */
  readonly what: string;
}

export interface SourceUnread {
  readonly ok: false;
  /** The command (label) or path. */
  readonly what: string;
  /** `not installed`, `not recorded`, `absent`, `exit code N: <first line of its error>`, or why the output could not be parsed. */
  readonly reason: string;
  /** The normal case of a source this machine does not have (or a bundle did not record), not a failure. */
  readonly absent: boolean;
  /** The one sentence a person reads: `<what>: <reason>` (a parse error's own message, which names its source). */
  readonly description: string;
}

/** The executable is not on this machine. */
export const NOT_INSTALLED = "not installed";
/** A replayed bundle does not hold the command, file or directory. */
export const NOT_RECORDED = "not recorded";
/** The file or directory does not exist. */
export const ABSENT = "absent";

export interface CommandOptions {
  /** Kill the command after this many milliseconds (live runner). */
  timeoutMs?: number;
  /** How reasons and parse errors name the source when its argv is too long to read (default: the argv, space-joined). */
  label?: string;
  /** Whether an answer counts (default: exit code 0). codesign answers an unsigned bundle with exit code 1, which is an answer. */
  accepts?: (out: CommandOutput) => boolean;
}

export interface ParseOptions {
  /**
   * `throw` (default): output that does not parse is a ParseError, and the check that needed it cannot tell.
   * `unread`: it is one more source that gave nothing (for collectors that judge what they could read).
   */
  parseErrors?: "throw" | "unread";
}

export type TextParser<T> = (text: string, source: string) => T;

/** Runs one command; any exit code is an answer (reg query's 1 means "no such key"). Not installed or not recorded is not. */
export async function runCommand(
  runner: CommandRunner,
  argv: readonly string[],
  options: Omit<CommandOptions, "accepts"> = {},
): Promise<SourceRead<CommandOutput>> {
  return firstSucceeding(runner, [argv], { ...options, accepts: () => true });
}

/**
 * Tries each argv in turn (newer flags first, older fallbacks after) and answers the first that
 * succeeds; a missing executable ends the search, a failing or unrecorded one goes on to the next.
 */
export async function firstSucceeding(
  runner: CommandRunner,
  candidates: readonly (readonly string[])[],
  options: CommandOptions = {},
): Promise<SourceRead<CommandOutput>> {
  const accepts = options.accepts ?? ((out: CommandOutput) => out.exitCode === 0);
  const named = (argv: readonly string[]) => options.label ?? argv.join(" ");
  const first = named(candidates[0] ?? []);
  let failed: SourceUnread | undefined;
  for (const argv of candidates) {
    let out: CommandOutput;
    try {
      out = await runner.run(argv, options.timeoutMs === undefined ? undefined : { timeoutMs: options.timeoutMs });
    } catch (error) {
      if (error instanceof NotRecordedError) continue;
      throw error;
    }
    if (out.exitCode === COMMAND_NOT_FOUND) return unread(named(argv), NOT_INSTALLED, true);
    if (accepts(out)) return { ok: true, value: out, what: named(argv) };
    failed = unread(named(argv), exitFailure(out, runner.platform), false);
  }
  return failed ?? unread(first, NOT_RECORDED, true);
}

/** The first argv that succeeds, its output parsed by `parse`. */
export async function readCommand<T>(
  runner: CommandRunner,
  candidates: readonly (readonly string[])[],
  parse: TextParser<T>,
  options: CommandOptions & ParseOptions = {},
): Promise<SourceRead<T>> {
  const out = await firstSucceeding(runner, candidates, options);
  if (!out.ok) return out;
  return parsed(() => parse(outputText(runner.platform, out.value.stdout), out.what), out.what, options);
}

/** A file's bytes; absent, not recorded or unreadable (permissions) is said in `reason`. */
export async function fileBytes(runner: CommandRunner, path: string): Promise<SourceRead<Buffer>> {
  try {
    const bytes = await runner.readFile(path);
    return bytes === undefined ? unread(path, ABSENT, true) : { ok: true, value: bytes, what: path };
  } catch (error) {
    return unreadBecause(error, path);
  }
}

/** A file's text, decoded once (BOM, UTF-16, CRLF). */
export async function fileText(runner: CommandRunner, path: string): Promise<SourceRead<string>> {
  const bytes = await fileBytes(runner, path);
  return bytes.ok ? { ok: true, value: outputText(runner.platform, bytes.value), what: path } : bytes;
}

/** A file parsed by `parse`. */
export async function readFile<T>(
  runner: CommandRunner,
  path: string,
  parse: TextParser<T>,
  options: ParseOptions = {},
): Promise<SourceRead<T>> {
  const text = await fileText(runner, path);
  if (!text.ok) return text;
  return parsed(() => parse(text.value, path), path, options);
}

/** The names in a directory. */
export async function listDirectory(runner: CommandRunner, path: string): Promise<SourceRead<string[]>> {
  try {
    const names = await runner.listDir(path);
    return names === undefined ? unread(path, ABSENT, true) : { ok: true, value: names, what: path };
  } catch (error) {
    return unreadBecause(error, path);
  }
}

/** The value of a source the check cannot do without: nothing from it makes the check unknown, with the reason. */
export function required<T>(read: SourceRead<T>): T {
  if (read.ok) return read.value;
  throw new SourceUnavailableError(read.what, read.reason);
}

/** The value, or undefined when the source gave nothing (the reason is dropped: use where nothing is the answer). */
export function valueOr<T>(read: SourceRead<T>): T | undefined {
  return read.ok ? read.value : undefined;
}

/** Adds why a source that should have answered did not to `problems` (a failure; an absence is no problem). */
export function noteFailure(read: SourceRead<unknown>, problems: string[]): void {
  if (!read.ok && !read.absent) problems.push(read.description);
}

/** `exit code N: <first line of stderr, else of stdout>`: how every failing command is described. */
export function exitFailure(out: CommandOutput, platform: Platform): string {
  const message = firstLine(outputText(platform, out.stderr)) || firstLine(outputText(platform, out.stdout));
  return message === "" ? `exit code ${out.exitCode}` : `exit code ${out.exitCode}: ${message}`;
}

/** Output bytes as text: Windows tools write UTF-16 or the OEM code page, the others UTF-8. */
export function outputText(platform: Platform, bytes: Buffer): string {
  return platform === "win32" ? decodeWindowsOutput(bytes) : decodeText(bytes);
}

/** A source that gave nothing, worded the one way. */
export function unread(what: string, reason: string, absent: boolean): SourceUnread {
  return { ok: false, what, reason, absent, description: `${what}: ${reason}` };
}

function parsed<T>(parse: () => T, what: string, options: ParseOptions): SourceRead<T> {
  try {
    return { ok: true, value: parse(), what };
  } catch (error) {
    if (options.parseErrors !== "unread" || !(error instanceof ParseError)) throw error;
    return { ok: false, what, reason: error.message, absent: false, description: error.message };
  }
}

function unreadBecause(error: unknown, what: string): SourceUnread {
  if (error instanceof NotRecordedError) return unread(what, NOT_RECORDED, true);
  // A live read the operating system refused (an unprivileged `check` may not read what the root service can).
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === "string") return unread(what, `cannot be read (${code})`, false);
  throw error;
}
