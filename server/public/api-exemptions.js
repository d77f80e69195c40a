// /api/v1/exemptions: grant (security), list (viewer), end (security). The approver is the signed-in token's name.
import { Exemption, ExemptionCreate, ExemptionList } from "./vendor/vendor.js";
import { request } from "./api.js";

/** Validated in the browser with the server's own schema first: answers {error} or the stored exemption. */
export async function grantExemption(input) {
  const parsed = ExemptionCreate.safeParse(input);
  if (!parsed.success) return { error: parsed.error.issues.map((i) => `${i.path.join(".") || "exemption"}: ${i.message}`).join("; ") };
  return { exemption: await request("POST", "/api/v1/exemptions", { schema: Exemption, body: parsed.data }) };
}
export const listExemptions = (status = "active") => request("GET", "/api/v1/exemptions", { schema: ExemptionList, query: { status } });
export const endExemption = (id) => request("DELETE", `/api/v1/exemptions/${encodeURIComponent(id)}`);
