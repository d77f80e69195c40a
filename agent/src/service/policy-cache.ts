// The policy in force, cached on disk so that an offline agent keeps applying IT's last policy.
import { readFile, rename } from "node:fs/promises";
import { DEFAULT_POLICY, Policy } from "@wegroup/shared";
import type { Logger } from "pino";
import { writeFileDurably } from "../state/files.js";

/** The cached policy, or the built-in default before any policy ever arrived; a damaged cache is moved aside. */
export async function loadCachedPolicy(path: string, logger: Logger): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return DEFAULT_POLICY;
    throw error;
  }
  try {
    return Policy.parse(JSON.parse(text));
  } catch (error) {
    const aside = `${path}.corrupt-${Date.now()}`;
    await rename(path, aside);
    logger.warn({ movedTo: aside, err: (error as Error).message }, "the cached policy is damaged; moved aside, using the built-in default until the server sends one");
    return DEFAULT_POLICY;
  }
}

export function saveCachedPolicy(path: string, policy: Policy): Promise<void> {
  return writeFileDurably(path, `${JSON.stringify(policy)}\n`, 0o600);
}
