// The fleet's lasting software violations, grouped: what GET /api/v1/software is derived from (no inventory is stored).
import type { SoftwareTitleDetail } from "@wegroup/shared";
import { isLasting } from "./lasting.js";
import type { Db } from "./schema.js";
import { parseStoredTitle } from "./violations.js";

/** Lasting software rows that say the same (subject, status, rule and title detail), with how many there are. */
export interface SoftwareViolationGroup {
  subject: string;
  status: "open" | "exempted";
  rule: string | null;
  title: SoftwareTitleDetail | null;
  /** At most one lasting row per (device, check, subject): the count of rows is the count of devices. */
  devices: number;
}

/**
 * One row per distinct (subject, status, rule, title): devices with the same title at the same version and
 * identity fold into one row in the database, so the answer grows with the distinct titles, not the fleet.
 * Title details are stored with sorted keys, so equal details group together as text.
 */
export async function softwareViolationGroups(db: Db, status: "open" | "exempted" | "lasting"): Promise<SoftwareViolationGroup[]> {
  // Read as the index violations_software_titles orders them: the literal `in ('open','exempted')` lets SQLite use the
  // partial index, and grouping in its column order needs no sort. One status is picked from the groups, not in SQL:
  // `status = ?` does not imply the index's condition, and SQLite would then read and sort every row.
  const rows = await db
    .selectFrom("violations")
    .where("check", "=", "software")
    .where(isLasting("status"))
    .select(["subject", "status", "rule", "title"])
    .select((eb) => eb.fn.countAll<number | string>().as("devices"))
    .groupBy(["status", "subject", "rule", "title"])
    .execute();
  return rows
    .filter((r) => status === "lasting" || r.status === status)
    .map((r) => ({
      subject: r.subject,
      status: r.status as SoftwareViolationGroup["status"],
      rule: r.rule,
      title: parseStoredTitle(r.title),
      devices: Number(r.devices),
    }));
}
