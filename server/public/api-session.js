// /api/v1/session: who the signed-in token is (name: audit actor and exemption approver) and its role.
import { SessionInfo } from "./vendor/vendor.js";
import { request } from "./api.js";

export const whoAmI = () => request("GET", "/api/v1/session", { schema: SessionInfo });

const RANK = { viewer: 1, security: 2, admin: 3 };
/** Whether `role` may do what `needed` may (the server checks again on every request). */
export const may = (role, needed) => (RANK[role] ?? 0) >= RANK[needed];
