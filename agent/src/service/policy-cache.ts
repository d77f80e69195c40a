// The policy in force, cached on disk so that an offline agent keeps applying IT's last policy.
import { readFile, rename } from "node:fs/promises";
import { AppError, DEFAULT_POLICY, describeZodError, Policy } from "@wegroup/shared";
import type { Logger } from "pino";
import { writeFileDurably } from "../state/files.js";

/** The cached policy, or the built-in default before any policy ever arrived; a damaged cache is moved aside, named, and replaced at the next connection. */
export async function loadCachedPolicy(path: string, logger: Logger): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return DEFAULT_POLICY;
    throw new AppError(
      "forbidden",
      `cannot read the cached policy ${path} (${code ?? String(error)}); fix the state dir's permissions, or delete the file (the server sends the current policy at the next connection)`,
    );
  }
  let problem: string;
  try {
    const parsed = Policy.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
    problem = describeZodError(parsed.error);
  } catch (error) {
    problem = `not JSON: ${(error as Error).message}`;
  }
  const aside = `${path}.corrupt-${Date.now()}`;
  await rename(path, aside);
  logger.warn(
    { file: path, movedTo: aside, problem },
    `the cached policy ${path} is damaged (${problem}); it was moved to ${aside} and the built-in default applies until the server sends the current policy at the next connection (nothing to do unless this repeats: then check the disk)`,
  );
  return DEFAULT_POLICY;
}

export function saveCachedPolicy(path: string, policy: Policy): Promise<void> {
  return writeFileDurably(path, `${JSON.stringify(policy)}\n`, 0o600);
}
