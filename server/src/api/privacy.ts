// /api/v1/privacy (admin): export everything held about a device or a user, and erase it; both acts are audited without the data.
import { AppError, ERROR_TRANSPORT, PrivacyErased, PrivacyExport, PrivacySubject } from "@wegroup/shared";
import { erasePrivacyData } from "../privacy/erase.js";
import { exportCounts, exportPrivacyData, type PrivacyTarget } from "../privacy/export.js";
import { recordAudit } from "../store/audit.js";
import { defineRoute } from "./route.js";

export function privacyTarget(subject: PrivacySubject): PrivacyTarget {
  if (subject.device !== undefined) return { kind: "device", id: subject.device };
  if (subject.user !== undefined) return { kind: "user", name: subject.user };
  throw new AppError("bad_request", "give exactly one of device or user");
}

/** How an audit line names the target of an export: a device by its id; a user not at all (an erasure later must not leave the name behind here). */
export function exportAuditTarget(target: PrivacyTarget): string {
  return target.kind === "device" ? `device ${target.id}` : "user (name not recorded)";
}

export const privacyExport = defineRoute(
  {
    method: "GET",
    path: "/api/v1/privacy/export",
    access: "admin",
    operationId: "privacyExport",
    tags: ["privacy"],
    summary: "everything held about one device (?device=ID) or one user (?user=NAME), as one JSON document; audited",
    query: PrivacySubject,
    ok: { status: 200, schema: PrivacyExport },
    errors: [400, 404],
  },
  (deps) =>
    async ({ query, req }) => {
      const target = privacyTarget(query);
      const now = deps.clock.now().toISOString();
      const doc = await exportPrivacyData(deps.store, target, now);
      if (doc === undefined) throw new AppError("not_found", `no device ${target.kind === "device" ? target.id : ""}`);
      const actor = req.identity?.name ?? "unknown";
      await recordAudit(deps.store.db, {
        at: now,
        actor,
        action: "privacy.export",
        target: exportAuditTarget(target),
        detail: { counts: exportCounts(doc) },
      });
      req.log.info({ kind: target.kind, by: actor }, "privacy export");
      return doc;
    },
);

export const privacyErase = defineRoute(
  {
    method: "POST",
    path: "/api/v1/privacy/erase",
    access: "admin",
    operationId: "privacyErase",
    tags: ["privacy"],
    summary:
      "erase a device (every row, deleted) or a user (the name pseudonymised everywhere); answers the counts; audited without the erased data",
    body: PrivacySubject,
    ok: { status: 200, schema: PrivacyErased },
    errors: [400, 404, 413],
  },
  (deps) =>
    async ({ body, req }) => {
      const target = privacyTarget(body);
      const actor = req.identity?.name ?? "unknown";
      const erased = await erasePrivacyData(deps.store, target, { actor, now: deps.clock.now().toISOString() });
      if (erased === undefined) throw new AppError("not_found", `no device ${target.kind === "device" ? target.id : ""}`);
      // Its credential is gone: end its session here (one on another instance fails at its next reconnect).
      if (target.kind === "device")
        deps.registry.disconnect(target.id, ERROR_TRANSPORT.not_enrolled.ws, "this device's data was erased; enroll it again");
      req.log.info({ kind: target.kind, counts: erased.counts, by: actor }, "privacy erasure");
      return erased;
    },
);
