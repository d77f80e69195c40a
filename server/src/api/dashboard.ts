// GET / and its assets: the static dashboard from server/public, read once at start, served with a strict CSP.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import type { ApiDeps } from "./deps.js";

export type DashboardFiles = ReadonlyMap<string, { type: string; body: Buffer }>;

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
};

/** Every file of the folder and of its vendor/ folder (what the build bundled from npm), by name. */
export async function loadDashboard(dir: string): Promise<DashboardFiles> {
  const files = new Map<string, { type: string; body: Buffer }>();
  for (const sub of ["", "vendor"]) {
    const names = await readdir(path.join(dir, sub)).catch((error: NodeJS.ErrnoException) => {
      if (sub !== "" && error.code === "ENOENT") return [];
      throw error;
    });
    for (const name of names) {
      const type = TYPES[path.extname(name)];
      if (type !== undefined) files.set(sub === "" ? name : `${sub}/${name}`, { type, body: await readFile(path.join(dir, sub, name)) });
    }
  }
  if (!files.has("index.html")) throw new Error(`${dir} has no index.html`);
  return files;
}

// Scripts and styles only from this origin: the page renders data it fetched, never markup from it.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export function dashboardRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const serve = (name: string) => {
    const file = deps.dashboard.get(name);
    if (file === undefined) return;
    app.get(name === "index.html" ? "/" : `/${name}`, async (_req, reply) =>
      reply.type(file.type).header("content-security-policy", CSP).header("cache-control", "no-cache").send(file.body),
    );
  };
  for (const name of deps.dashboard.keys()) serve(name);
}
