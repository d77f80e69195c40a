// /api/v1/audit (admin): who changed what and when, with before/after.
import { AuditPage } from "./vendor/vendor.js";
import { request } from "./api.js";

export const listAudit = (filter = {}) => request("GET", "/api/v1/audit", { schema: AuditPage, query: filter });
