// The one way the software collectors read a source and word why it gave nothing: absent, not recorded, failing or unreadable.
import { decodeText } from "../../runner/decode.js";
import { ParseError } from "../../runner/parse-error.js";
import { fileContent, firstSucceeding } from "../../runner/probe.js";
import type { CommandRunner } from "../../runner/runner.js";

/**
 * What a source gave: its parsed value, or why not. `absent` is the normal case of a tool this machine does not have
 * (or a bundle did not record); anything else is a `problem`, worded for a person.
 */
export type SourceRead<T> = { ok: true; value: T; what: string } | { ok: false; reason: string; absent: boolean; problem?: string };

export type TextParser<T> = (text: string, source: string) => T;

/** Runs the first argv that succeeds (newer flags first) and parses its output; `label` names it in problems. */
export async function readCommand<T>(runner: CommandRunner, candidates: readonly (readonly string[])[], parse: TextParser<T>, label?: string): Promise<SourceRead<T>> {
  const out = await firstSucceeding(runner, candidates);
  const name = label ?? candidates[0]?.join(" ") ?? "";
  if (!out.ok) {
    const absent = out.reason === "not installed" || out.reason === "not recorded";
    return absent ? { ok: false, reason: out.reason, absent } : { ok: false, reason: out.reason, absent, problem: `${name}: ${out.reason}` };
  }
  return parsed(decodeText(out.value.stdout), label ?? out.what, parse);
}

/** Reads and parses a file; a missing (or unrecorded) file is absent, not a problem. */
export async function readFileSource<T>(runner: CommandRunner, path: string, parse: TextParser<T>): Promise<SourceRead<T>> {
  let content;
  try {
    content = await fileContent(runner, path);
  } catch (error) {
    // An unprivileged `check` may not read everything a root service can.
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, reason, absent: false, problem: `${path}: ${reason}` };
  }
  if (!content.ok) return { ok: false, reason: content.reason, absent: true };
  return parsed(content.value, path, parse);
}

function parsed<T>(text: string, what: string, parse: TextParser<T>): SourceRead<T> {
  try {
    return { ok: true, value: parse(text, what), what };
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    return { ok: false, reason: error.message, absent: false, problem: error.message };
  }
}
