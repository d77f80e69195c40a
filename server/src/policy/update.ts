// Stores a policy PUT as the next version, with its author, a summary of the change and an audit line, in one transaction.
import type { Policy } from "@wegroup/shared";
import type { Kysely } from "kysely";
import { recordAudit } from "../store/audit.js";
import { insertPolicyVersion, latestPolicy } from "../store/policies.js";
import type { Database } from "../store/schema.js";
import { summarizePolicyChange } from "./summary.js";

export interface PolicyChange {
  policy: Policy;
  previousVersion: number | null;
  summary: string;
}

/** Writers on other instances may take the number we computed; each retry reads the newest again. */
const MAX_ATTEMPTS = 10;

/** `document`'s own version is ignored: the stored version is always the newest plus one. */
export async function storeNextPolicy(
  db: Kysely<Database>,
  document: Omit<Policy, "version">,
  author: string,
  now: string,
): Promise<PolicyChange> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const change = await db.transaction().execute(async (trx): Promise<PolicyChange | undefined> => {
      const previous = await latestPolicy(trx);
      const policy: Policy = { ...document, version: (previous?.policy.version ?? 0) + 1 };
      const summary = summarizePolicyChange(previous?.policy, policy);
      if (!(await insertPolicyVersion(trx, { policy, author, summary, now }))) return undefined;
      await recordAudit(trx, {
        at: now,
        actor: author,
        action: "policy.update",
        target: `policy v${policy.version}`,
        detail: { previousVersion: previous?.policy.version ?? null, summary, ...beforeAfter(previous?.policy, policy) },
      });
      return { policy, previousVersion: previous?.policy.version ?? null, summary };
    });
    if (change !== undefined) return change;
  }
  throw new Error(`could not store the policy: ${MAX_ATTEMPTS} concurrent writers took every version number first`);
}

/** The top-level parts that changed, as they were and as they are (the version number aside): the audit's before/after. */
export function beforeAfter(
  before: Policy | undefined,
  after: Policy,
): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const was: Record<string, unknown> = {};
  const now: Record<string, unknown> = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after)]);
  for (const key of keys) {
    if (key === "version") continue;
    const a = (before as Record<string, unknown> | undefined)?.[key];
    const b = (after as Record<string, unknown>)[key];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    was[key] = a ?? null;
    now[key] = b ?? null;
  }
  return { before: was, after: now };
}
