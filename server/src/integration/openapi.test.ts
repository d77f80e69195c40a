import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestServer } from "../testing/harness.js";
import { apiDocument, ROUTE_SPECS as ROUTES, tokenAccess } from "../api/catalogue.js";
import { fastifyPath } from "../api/route.js";

/** The route table of DESIGN.md: the contract the document must list, method by path. */
const DESIGN_ROUTES = [
  "POST /api/v1/enroll",
  "GET /api/v1/agent",
  "GET /api/v1/devices",
  "GET /api/v1/devices/{id}",
  "GET /api/v1/violations",
  "GET /api/v1/violations/stream",
  "GET /api/v1/policy",
  "PUT /api/v1/policy",
  "POST /api/v1/policy/preview",
  "GET /api/v1/policy/history",
  "GET /api/v1/policy/rollout",
  "GET /api/v1/software",
  "POST /api/v1/exemptions",
  "GET /api/v1/exemptions",
  "DELETE /api/v1/exemptions/{id}",
  "POST /api/v1/tokens",
  "GET /api/v1/tokens",
  "DELETE /api/v1/tokens/{id}",
  "GET /api/v1/audit",
  "GET /api/v1/privacy/export",
  "POST /api/v1/privacy/erase",
];

type Doc = {
  paths: Record<
    string,
    Record<string, { security: unknown[]; parameters?: { name: string; in: string }[]; requestBody?: unknown; "x-required-role"?: string }>
  >;
};

describe("the OpenAPI document", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start();
  });
  afterAll(async () => {
    await server.stop();
  });

  it("is a valid OpenAPI 3.1 document, served without a token", async () => {
    const answer = await server.get("/api/v1/openapi.json", null);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(JSON.parse(JSON.stringify(apiDocument())));
    const result = await new Validator().validate(answer.body as Record<string, unknown>);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect((answer.body as { openapi: string }).openapi).toBe("3.1.0");
  });

  it("lists every route of the design's table", () => {
    const doc = apiDocument() as Doc;
    const listed = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    for (const route of DESIGN_ROUTES) expect(listed).toContain(route);
  });

  it("lists no route the server does not have", async () => {
    // The agent channel is an upgrade, not an HTTP route; the authorization tests open it as a WebSocket.
    for (const route of ROUTES.filter((r) => r.operationId !== "agentChannel")) {
      const path = route.path.replace("{id}", "some-id");
      const res = await fetch(`${server.url}${path}`, { method: route.method, signal: AbortSignal.timeout(5_000) });
      const body = res.headers.get("content-type")?.startsWith("text/event-stream") ? "" : await res.text();
      expect(body, `${route.method} ${path}`).not.toContain("no route");
      await res.body?.cancel().catch(() => {});
    }
  });

  it("registers exactly the routes of the catalogue (besides the dashboard's files), and every route of the catalogue", async () => {
    const declared = new Set(ROUTES.map((r) => `${r.method} ${fastifyPath(r.path)}`));
    const registered = server.server.httpRoutes.map((r) => `${r.method} ${r.url}`);
    // fastify adds HEAD beside each GET by itself.
    const own = registered.filter((route) => !(route.startsWith("HEAD ") && registered.includes(route.replace(/^HEAD /, "GET "))));
    const undeclared = own.filter((route) => !declared.has(route));
    // Anything else must be a file of the dashboard: served with its content security policy.
    for (const route of undeclared) {
      // (the dashboard's folder, or its vendor/ folder of what the build bundled from npm)
      expect(route).toMatch(/^GET \/(vendor\/)?[^/]*$/);
      const res = await fetch(`${server.url}${route.slice(4)}`);
      expect(res.status, route).toBe(200);
      expect(res.headers.get("content-security-policy"), route).toContain("default-src 'self'");
      await res.body?.cancel();
    }
    expect(undeclared).toContain("GET /");
    expect([...declared].filter((route) => !registered.includes(route))).toEqual([]);
  });

  it("answers a plain request to the agent channel with a 400 that says to upgrade", async () => {
    const answer = await server.get("/api/v1/agent", null);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain("WebSocket upgrade");
  });

  it("states the security, the required role, the parameters and the body of each route", () => {
    const doc = apiDocument() as Doc;
    for (const route of ROUTES) {
      const op = doc.paths[route.path]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      if (tokenAccess(route.access) !== undefined) {
        expect(op?.security).toContainEqual({ bearerAuth: [] });
        expect(op?.["x-required-role"]).toBe(route.access);
      } else {
        expect(op?.security).toEqual([]);
      }
      expect(op?.requestBody !== undefined).toBe(route.body !== undefined);
    }
    const violations = doc.paths["/api/v1/violations"]?.get?.parameters?.map((p) => p.name);
    expect(violations).toEqual(["status", "device", "check", "subject", "since", "until", "limit", "cursor"]);
    expect(doc.paths["/api/v1/devices/{id}"]?.get?.parameters).toEqual([
      expect.objectContaining({ name: "id", in: "path", required: true }),
    ]);
  });
});
