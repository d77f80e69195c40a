// The admin token and the enrollment secret across instances: the database holds them, each data dir's files are written from it.
import type { Kysely } from "kysely";
import { type DataDirSecrets, prepareDataDir, readSecretFile, writeSecretFile } from "../data-dir.js";
import type { Logger } from "../logger.js";
import type { Database } from "../store/schema.js";
import { type InstanceSecretValues, readSecrets, seedOrReadSecrets } from "../store/server-secrets.js";

export interface ReconciledSecrets extends DataDirSecrets {
  /** Files rewritten with the database's value (another instance, or a rotation, set it). */
  adopted: string[];
}

/**
 * The first instance to start on a database stores its data dir's values; every other instance (with its own
 * data dir) adopts them, so that the admin token and the enrollment secret work on all of them. Without this,
 * each start overwrote the one stored hash and the other instances' files stopped working.
 */
export async function reconcileDataDir(db: Kysely<Database>, dataDir: string, now: string): Promise<ReconciledSecrets> {
  const local = await prepareDataDir(dataDir);
  const stored = await seedOrReadSecrets(db, { adminToken: local.adminToken, enrollSecret: local.enrollSecret }, now);
  const adopted = await writeDifferent(local, stored);
  return { ...local, ...stored, adopted };
}

/** Writes the files whose content differs from `values`; answers their paths. */
export async function writeDifferent(files: Pick<DataDirSecrets, "adminTokenPath" | "enrollSecretPath">, values: InstanceSecretValues): Promise<string[]> {
  const written: string[] = [];
  for (const [file, value] of [
    [files.adminTokenPath, values.adminToken],
    [files.enrollSecretPath, values.enrollSecret],
  ] as const) {
    if ((await readSecretFile(file).catch(() => undefined)) === value) continue;
    await writeSecretFile(file, value);
    written.push(file);
  }
  return written;
}

/** Keeps the data dir's files equal to the database while the server runs (a rotation on another instance or from the CLI). */
export class SecretFilesSync {
  #timer: NodeJS.Timeout | undefined;
  #running = false;

  constructor(
    private readonly deps: { db: Kysely<Database>; files: Pick<DataDirSecrets, "adminTokenPath" | "enrollSecretPath">; everyMs: number; logger: Logger },
  ) {}

  start(): void {
    this.#timer = setInterval(() => void this.syncNow(), this.deps.everyMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  async syncNow(): Promise<string[]> {
    if (this.#running) return [];
    this.#running = true;
    try {
      const stored = await readSecrets(this.deps.db);
      if (stored === undefined) return [];
      const written = await writeDifferent(this.deps.files, stored);
      for (const file of written) this.deps.logger.info({ file }, "secret file rewritten from the database (rotated elsewhere)");
      return written;
    } catch (error) {
      this.deps.logger.warn({ err: error }, "could not compare the data dir's secret files with the database");
      return [];
    } finally {
      this.#running = false;
    }
  }
}
