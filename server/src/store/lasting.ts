// "Open or exempted" as SQL literals: bound parameters would keep SQLite from using the partial indexes on exactly these statuses.
import { sql, type RawBuilder } from "kysely";

/** `<column> in ('open', 'exempted')`, matching the partial indexes violations_lasting and violations_lasting_by_check. */
export function isLasting(column: "status" | "v.status"): RawBuilder<boolean> {
  return sql<boolean>`${sql.ref(column)} in ('open', 'exempted')`;
}
