// The one HTTP client of the dashboard: the token lives in this tab's sessionStorage only (never the URL, never
// localStorage), every answer is parsed with the shared schema of its route, and errors carry the server's message.
import { ErrorBody } from "./vendor/vendor.js";

const TOKEN_KEY = "compliance.token";

export const session = {
  token: () => sessionStorage.getItem(TOKEN_KEY),
  signIn: (token) => sessionStorage.setItem(TOKEN_KEY, token),
  signOut: () => sessionStorage.removeItem(TOKEN_KEY),
};

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Listeners told when the server refuses the token (401): the app signs out. */
const unauthorized = new Set();
export const onUnauthorized = (fn) => unauthorized.add(fn);

export function authHeaders(extra = {}) {
  return { authorization: `Bearer ${session.token() ?? ""}`, ...extra };
}

/** One request; `schema` parses the answer (null for 204). */
export async function request(method, path, { schema, body, query } = {}) {
  const params = query === undefined ? "" : queryString(query);
  const res = await fetch(path + params, {
    method,
    headers: authHeaders(body === undefined ? {} : { "content-type": "application/json" }),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (res.status === 204) return null;
  const text = await res.text();
  let json;
  try {
    json = text === "" ? null : JSON.parse(text);
  } catch {
    throw new ApiError(res.status, "bad_answer", `the server answered ${res.status} with something that is not JSON`);
  }
  if (!res.ok) {
    const parsed = ErrorBody.safeParse(json);
    const error = parsed.success ? parsed.data.error : { code: "http_error", message: `HTTP ${res.status}` };
    if (res.status === 401) for (const fn of unauthorized) fn(error.message);
    throw new ApiError(res.status, error.code, error.message);
  }
  if (schema === undefined) return json;
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new ApiError(res.status, "bad_answer", `unexpected answer from ${path}: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data;
}

/** `?a=1&b=2` of the defined, non-empty values. */
export function queryString(query) {
  const entries = Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== "");
  return entries.length === 0 ? "" : `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)]))}`;
}
