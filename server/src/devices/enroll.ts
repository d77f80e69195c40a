// Enrolling a device: a new record every time, a known hardware id flagged as a re-enrollment and audited in the same transaction.
import type { Kysely } from "kysely";
import { recordAudit } from "../store/audit.js";
import { type Enrolled, type EnrollDevice, enrollDevice, isUniqueViolation } from "../store/devices.js";
import type { Database } from "../store/schema.js";

/** Who enrolls is whoever holds the enrollment secret: the audit line says so rather than naming a person. */
export const ENROLLMENT_ACTOR = "enrollment secret";

/**
 * Retried when a concurrent first enrollment of the same hardware id (another instance) won the race to be
 * the original: the retry then finds it and becomes a re-enrollment. On PostgreSQL the failed statement
 * aborted its transaction, hence a new transaction per attempt.
 */
export async function enrollAudited(db: Kysely<Database>, e: EnrollDevice): Promise<Enrolled> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(async (trx) => {
        const enrolled = await enrollDevice(trx, e);
        if (enrolled.reEnrollmentOf !== null) {
          await recordAudit(trx, {
            at: e.now,
            actor: ENROLLMENT_ACTOR,
            action: "device.re-enroll",
            target: `device ${enrolled.deviceId}`,
            detail: { reEnrollmentOf: enrolled.reEnrollmentOf, os: e.os, withKey: e.publicKey != null },
          });
        }
        return enrolled;
      });
    } catch (error) {
      if (attempt < 3 && isUniqueViolation(error)) continue;
      throw error;
    }
  }
}
