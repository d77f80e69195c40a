// Small files written atomically (temp file, rename): a crash leaves the old or the new file, never half.
// Durable writes also fsync the file and its directory, so that what was written survives a power cut.
import { randomUUID } from "node:crypto";
import { constants } from "node:fs";
import { mkdir, open, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";

export async function writeFileDurably(path: string, data: string | Buffer, mode = 0o600): Promise<void> {
  await writeFileAtomically(path, data, mode, true);
}

/** Atomic but not synced: for state that is rewritten often and may lag after a crash (the status file). */
export async function writeFileAtomically(path: string, data: string | Buffer, mode = 0o600, sync = false): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // Unique per write: two writes of one file in the same millisecond (policy pushes in a burst) must not share a temp file.
  const tmp = `${path}.${process.pid}.${randomUUID()}.tmp`;
  const handle = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, mode);
  try {
    await handle.writeFile(data);
    if (sync) await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  if (sync) await syncDir(dirname(path));
}

export async function syncDir(dir: string): Promise<void> {
  if (process.platform === "win32") return; // directories cannot be opened for fsync there; NTFS journals the rename
  const handle = await open(dir, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
