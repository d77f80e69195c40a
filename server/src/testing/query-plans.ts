// SQLite's own plan of every statement a store function runs: the statements are caught as Kysely builds them, then
// compiled and explained on the same store, so that a test holds a query to the index it is meant to use.
import { CompiledQuery, createQueryId, type OperationNode } from "kysely";
import type { Store } from "../store/db.js";
import type { Db } from "../store/schema.js";

export interface StatementPlan {
  sql: string;
  /** The plan's steps, joined by " | ". */
  plan: string;
}

/** Runs `call` on a SQLite store and answers each statement it ran with SQLite's plan of it, in order. */
export async function sqlitePlans(store: Store, call: (db: Db) => Promise<unknown>): Promise<StatementPlan[]> {
  const nodes: OperationNode[] = [];
  const db = store.db.withPlugin({
    transformQuery: (args) => {
      nodes.push(args.node);
      return args.node;
    },
    transformResult: (args) => Promise.resolve(args.result),
  });
  await call(db);
  const out: StatementPlan[] = [];
  for (const node of nodes) {
    const compiled = store.db
      .getExecutor()
      .compileQuery(node as Parameters<ReturnType<Db["getExecutor"]>["compileQuery"]>[0], createQueryId());
    const plan = await store.db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]),
    );
    out.push({ sql: compiled.sql, plan: plan.rows.map((r) => r.detail).join(" | ") });
  }
  return out;
}
