// /api/v1/policy: the current document, replacing it, its history (each old version) and its rollout.
import { Policy, PolicyHistory, PolicyPreview, PolicyRollout, PolicyStored, PolicyVersionDocument } from "./vendor/vendor.js";
import { request } from "./api.js";

export const getPolicy = () => request("GET", "/api/v1/policy", { schema: Policy });
export const putPolicy = (document) => request("PUT", "/api/v1/policy", { schema: PolicyStored, body: document });
export const policyHistory = () => request("GET", "/api/v1/policy/history", { schema: PolicyHistory });
export const policyVersion = (version) => request("GET", `/api/v1/policy/history/${Number(version)}`, { schema: PolicyVersionDocument });
export const policyRollout = () => request("GET", "/api/v1/policy/rollout", { schema: PolicyRollout });
/** What the candidate would open and resolve, judged by the connected agents (nothing applied). */
export const previewPolicy = (document) => request("POST", "/api/v1/policy/preview", { schema: PolicyPreview, body: document });
