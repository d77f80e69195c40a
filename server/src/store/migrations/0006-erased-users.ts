// Erased users, so that a device still reporting one is not re-identified: keyed digests of their names (never the names) and the pseudonym that replaced them.
import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("erased_users")
    /** HMAC-SHA256 of the folded name under erasure_key: the name itself is what was erased. */
    .addColumn("digest", "text", (c) => c.primaryKey())
    .addColumn("pseudonym", "text", (c) => c.notNull())
    .addColumn("erased_at", "text", (c) => c.notNull())
    .execute();
  // One key for every instance on this database, made once here (the migrator runs it once).
  await db.schema
    .createTable("erasure_key")
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("secret", "text", (c) => c.notNull())
    .execute();
  await (db as Kysely<{ erasure_key: { id: number; secret: string } }>)
    .insertInto("erasure_key")
    .values({ id: 1, secret: randomBytes(32).toString("hex") })
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("erased_users").ifExists().execute();
  await db.schema.dropTable("erasure_key").ifExists().execute();
}
