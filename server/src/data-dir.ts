// The data directory: made on first start with the admin token and the enrollment secret (mode 0600), reused after.
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { randomSecret } from "./auth/secrets.js";

export const ADMIN_TOKEN_FILE = "admin-token";
export const ENROLL_SECRET_FILE = "enroll-secret";

export interface DataDirSecrets {
  adminToken: string;
  enrollSecret: string;
  adminTokenPath: string;
  enrollSecretPath: string;
  /** Files this call created (empty on later starts). */
  created: string[];
  /** Secret files that others than the owner can read: worth a warning. */
  exposed: string[];
}

export async function prepareDataDir(dir: string, newSecret: () => string = () => randomSecret()): Promise<DataDirSecrets> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const created: string[] = [];
  const exposed: string[] = [];
  const load = async (name: string): Promise<[string, string]> => {
    const file = path.join(dir, name);
    const { value, made } = await readOrCreate(file, newSecret);
    if (made) created.push(file);
    else if (((await stat(file)).mode & 0o077) !== 0) exposed.push(file);
    return [value, file];
  };
  const [adminToken, adminTokenPath] = await load(ADMIN_TOKEN_FILE);
  const [enrollSecret, enrollSecretPath] = await load(ENROLL_SECRET_FILE);
  return { adminToken, enrollSecret, adminTokenPath, enrollSecretPath, created, exposed };
}

/** Replaces a secret file atomically (temp file, rename), mode 0600: a reader sees the old value or the new one. */
export async function writeSecretFile(file: string, value: string): Promise<void> {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, `${value}\n`, { mode: 0o600, flag: "wx" });
  try {
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/** The secret a file holds now (trimmed), or undefined when it is missing. */
export async function readSecretFile(file: string): Promise<string | undefined> {
  return readSecret(file);
}

async function readOrCreate(file: string, newSecret: () => string): Promise<{ value: string; made: boolean }> {
  const existing = await readSecret(file);
  if (existing !== undefined) return { value: existing, made: false };
  const value = newSecret();
  try {
    // "wx": if another process made it in the meantime, keep theirs.
    await writeFile(file, `${value}\n`, { mode: 0o600, flag: "wx" });
    return { value, made: true };
  } catch (error) {
    if (isCode(error, "EEXIST")) {
      const theirs = await readSecret(file);
      if (theirs !== undefined) return { value: theirs, made: false };
    }
    throw error;
  }
}

async function readSecret(file: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if (isCode(error, "ENOENT")) return undefined;
    throw error;
  }
  const value = text.trim();
  if (value.length < 16) throw new Error(`${file} holds no usable secret (at least 16 characters); delete it to have a new one made`);
  return value;
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === code;
}
