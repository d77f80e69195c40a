// /api/v1/tokens (admin): tokens named for a person or team; the token is shown once.
import { TokenCreate, TokenCreated, TokenList } from "./vendor/vendor.js";
import { request } from "./api.js";

export const listTokens = () => request("GET", "/api/v1/tokens", { schema: TokenList });
export async function createToken(input) {
  const parsed = TokenCreate.safeParse(input);
  if (!parsed.success) return { error: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
  return { created: await request("POST", "/api/v1/tokens", { schema: TokenCreated, body: parsed.data }) };
}
export const revokeToken = (id) => request("DELETE", `/api/v1/tokens/${encodeURIComponent(id)}`);
