// The run record (run.json) and the reason file (goodbye-reason) in the state dir: read, written, taken.
import { readFile, rm } from "node:fs/promises";
import type { GoodbyeReason } from "@wegroup/shared";
import type { Logger } from "pino";
import { writeFileAtomically } from "../state/files.js";
import { parseReasonWord, RunRecord } from "./presence.js";

/** The previous run's record; undefined on a first run, or when it is damaged (said in the log: the server then judges nothing). */
export async function loadRunRecord(path: string, logger: Logger): Promise<RunRecord | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT")
      logger.warn({ file: path, err: (error as Error).message }, `cannot read the run record ${path}; this run reports no previous run`);
    return undefined;
  }
  try {
    const parsed = RunRecord.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through
  }
  logger.warn({ file: path }, `the run record ${path} is damaged; this run reports no previous run and writes a new one`);
  return undefined;
}

/**
 * Rewritten on every heartbeat (atomic, not synced: cheap) and at the end of the run (`durable`: synced, so that a
 * goodbye recorded just before a power cut survives it).
 */
export function saveRunRecord(path: string, record: RunRecord, durable: boolean): Promise<void> {
  return writeFileAtomically(path, `${JSON.stringify(record)}\n`, 0o600, durable);
}

/** Reads and deletes the reason file the package scripts leave before stopping the service; a word it does not know counts as none. */
export async function takeReasonFile(path: string, logger: Logger): Promise<GoodbyeReason | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return undefined;
  }
  await rm(path, { force: true }).catch((error: unknown) =>
    logger.warn({ file: path, err: (error as Error).message }, "cannot delete the goodbye reason file"),
  );
  const reason = parseReasonWord(text);
  if (reason === undefined) logger.warn({ file: path, word: text.trim().slice(0, 40) }, `ignored ${path}: not a goodbye reason`);
  return reason;
}
