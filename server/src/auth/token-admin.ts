// Issuing and revoking API tokens, audited in the same transaction: shared by the HTTP API and the admin CLI.
import { AppError, type Role, type TokenCreated } from "@wegroup/shared";
import type { Kysely } from "kysely";
import { recordAudit } from "../store/audit.js";
import type { Database } from "../store/schema.js";
import { createToken, revokeToken } from "../store/tokens.js";
import { hashSecret, randomSecret } from "./secrets.js";

export interface TokenActor {
  /** Who does it: the API token's name, or "cli". */
  actor: string;
  now: string;
}

/** The token is in the answer and nowhere else: only its hash is stored, and the audit line names the token by id. */
export async function issueToken(db: Kysely<Database>, t: { id: string; name: string; role: Role } & TokenActor): Promise<TokenCreated> {
  const token = randomSecret();
  await db.transaction().execute(async (trx) => {
    await createToken(trx, { id: t.id, name: t.name, role: t.role, tokenHash: hashSecret(token), now: t.now });
    await recordAudit(trx, {
      at: t.now,
      actor: t.actor,
      action: "token.create",
      target: `token ${t.id}`,
      detail: { name: t.name, role: t.role },
    });
  });
  return { id: t.id, name: t.name, role: t.role, token };
}

/**
 * Throws `not_found` when there is no such live token. A data dir's admin token may be revoked too: that
 * instance makes a new one at its next start (or with `admin admin-token rotate`).
 */
export async function revokeTokenAudited(db: Kysely<Database>, id: string, by: TokenActor): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (!(await revokeToken(trx, id, by.now))) throw new AppError("not_found", `no live token ${id}`);
    await recordAudit(trx, { at: by.now, actor: by.actor, action: "token.revoke", target: `token ${id}` });
  });
}
