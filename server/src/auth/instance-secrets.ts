// The data dir's admin token and enrollment secret against the database, which holds only their hashes.
import { hostname } from "node:os";
import path from "node:path";
import { uuidv7 } from "@wegroup/shared";
import type { Kysely } from "kysely";
import { type DataDirSecrets, prepareDataDir, writeSecretFile } from "../data-dir.js";
import type { Database } from "../store/schema.js";
import { addEnrollSecretHash, findEnrollSecretHash } from "../store/server-secrets.js";
import { addTokenIfNew, findAnyTokenByHash } from "../store/tokens.js";
import { hashSecret, randomSecret } from "./secrets.js";

export interface ReconciledSecrets extends DataDirSecrets {
  /** The name of this data dir's admin token row (the actor in audit lines). */
  adminTokenName: string;
  /** Files the database did not know yet: their hashes were added (a new data dir, or one from another database). */
  registered: string[];
  /** Files replaced by a new secret because the database holds theirs as revoked or expired. */
  replaced: string[];
}

/** The name of a new data-dir admin token: which machine and directory hold it, so that an operator can tell them apart. */
export function dataDirTokenName(dataDir: string): string {
  return `data-dir admin token (${hostname()}:${path.resolve(dataDir)})`;
}

/**
 * Every instance keeps its own files; the database accepts the files of all of them. A file whose hash is live
 * is reused, one the database never knew is added, one it knows as revoked or expired is replaced (never
 * revived: that would undo a revocation or a rotation). No plaintext reaches the database.
 */
export async function reconcileDataDir(
  db: Kysely<Database>,
  dataDir: string,
  now: string,
  newSecret: () => string = randomSecret,
): Promise<ReconciledSecrets> {
  const files = await prepareDataDir(dataDir, newSecret);
  const registered: string[] = [];
  const replaced: string[] = [];
  const token = await ensureAdminToken(db, files, dataDir, now, newSecret);
  if (token.outcome === "registered") registered.push(files.adminTokenPath);
  if (token.outcome === "replaced") replaced.push(files.adminTokenPath);
  const secret = await ensureEnrollSecret(db, files, now, newSecret);
  if (secret.outcome === "registered") registered.push(files.enrollSecretPath);
  if (secret.outcome === "replaced") replaced.push(files.enrollSecretPath);
  return { ...files, adminToken: token.value, adminTokenName: token.name, enrollSecret: secret.value, registered, replaced };
}

type Outcome = "reused" | "registered" | "replaced";

async function ensureAdminToken(
  db: Kysely<Database>,
  files: DataDirSecrets,
  dataDir: string,
  now: string,
  newSecret: () => string,
): Promise<{ value: string; name: string; outcome: Outcome }> {
  let value = files.adminToken;
  let outcome: Outcome = "reused";
  const known = await findAnyTokenByHash(db, hashSecret(value));
  if (known !== undefined && known.revokedAt === null && known.role === "admin") return { value, name: known.name, outcome };
  if (known === undefined) outcome = "registered";
  else {
    value = newSecret();
    await writeSecretFile(files.adminTokenPath, value);
    outcome = "replaced";
  }
  await addTokenIfNew(db, { id: uuidv7(), name: dataDirTokenName(dataDir), role: "admin", tokenHash: hashSecret(value), now });
  const stored = await findAnyTokenByHash(db, hashSecret(value));
  if (stored === undefined || stored.revokedAt !== null)
    throw new Error(`${files.adminTokenPath}: its token was revoked while this instance started; start again`);
  return { value, name: stored.name, outcome };
}

async function ensureEnrollSecret(
  db: Kysely<Database>,
  files: DataDirSecrets,
  now: string,
  newSecret: () => string,
): Promise<{ value: string; outcome: Outcome }> {
  let value = files.enrollSecret;
  const known = await findEnrollSecretHash(db, hashSecret(value));
  if (known !== undefined && (known.validUntil === null || now < known.validUntil)) return { value, outcome: "reused" };
  let outcome: Outcome = "registered";
  if (known !== undefined) {
    value = newSecret();
    await writeSecretFile(files.enrollSecretPath, value);
    outcome = "replaced";
  }
  await addEnrollSecretHash(db, hashSecret(value), now);
  return { value, outcome };
}
