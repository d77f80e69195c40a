// Which methods a path takes, from the routes fastify registered: a wrong method on a known path is a 405 with `Allow`, not a 404.
import type { RegisteredRoute } from "./route.js";

/** fastify's path form: `:name` matches one non-empty segment; everything else literally. */
function matches(pattern: string, path: string): boolean {
  const want = pattern.split("/");
  const got = path.split("/");
  return want.length === got.length && want.every((segment, i) => (segment.startsWith(":") ? (got[i] ?? "") !== "" : segment === got[i]));
}

/** The methods registered for `path` (without its query), sorted; empty when no route has this path. */
export function allowedMethods(routes: readonly RegisteredRoute[], path: string): string[] {
  const methods = new Set(routes.filter((r) => matches(r.url, path)).map((r) => r.method.toUpperCase()));
  return [...methods].sort();
}
