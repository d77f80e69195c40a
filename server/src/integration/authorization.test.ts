// Every route of the catalogue × every kind of caller, malformed input per route, unknown routes and oversized bodies, on the real server.
import { AGENT_CHANNEL_PATH, DEFAULT_POLICY, ErrorBody, type Exemption, TokenCreated } from "@wegroup/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roleSatisfies } from "../auth/roles.js";
import { ROUTE_SPECS as ROUTES, type RouteSpec, tokenAccess } from "../api/catalogue.js";
import { TestAgent } from "../testing/agent-client.js";
import { helloFrame } from "../testing/frames.js";
import { TestServer } from "../testing/harness.js";

let server: TestServer;
let viewer: string;
let security: string;

interface Call {
  path: string;
  body?: unknown;
}

interface Answer {
  status: number;
  contentType: string;
  body: unknown;
}

/** One request; an event stream is not read to its end (it has none), only its status and type. */
async function call(method: string, path: string, token: string | null, body?: unknown): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const abort = new AbortController();
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers,
    signal: abort.signal,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const contentType = res.headers.get("content-type") ?? "";
  if (contentType.startsWith("text/event-stream")) {
    abort.abort();
    return { status: res.status, contentType, body: undefined };
  }
  const text = await res.text();
  // The Prometheus exposition is text, not JSON.
  if (contentType.startsWith("text/plain")) return { status: res.status, contentType, body: text };
  return { status: res.status, contentType, body: text === "" ? undefined : (JSON.parse(text) as unknown) };
}

const future = () => new Date(Date.now() + 86_400_000).toISOString();

/** A valid request for each route; fresh each time, since some consume what they act on. */
async function validCall(route: RouteSpec): Promise<Call> {
  switch (route.operationId) {
    case "getDevice":
      return { path: `/api/v1/devices/${(await server.enroll()).deviceId}` };
    case "previewPolicy":
    case "putPolicy": {
      const { version: _v, ...doc } = DEFAULT_POLICY;
      return { path: route.path, body: doc };
    }
    case "createExemption":
      return {
        path: route.path,
        body: { device: "*", check: "usb-storage", subject: "4C530001", reason: "backup disk", approvedBy: "CISO", expiresAt: future() },
      };
    case "deleteExemption": {
      const created = await call("POST", "/api/v1/exemptions", server.adminToken, {
        device: "*",
        check: "software",
        subject: "nmap",
        reason: "pentest",
        approvedBy: "CISO",
        expiresAt: future(),
      });
      return { path: `/api/v1/exemptions/${(created.body as Exemption).id}` };
    }
    case "createToken":
      return { path: route.path, body: { name: "matrix", role: "viewer" } };
    case "revokeToken": {
      const created = await call("POST", "/api/v1/tokens", server.adminToken, { name: "to-revoke", role: "viewer" });
      return { path: `/api/v1/tokens/${TokenCreated.parse(created.body).id}` };
    }
    case "createWebhook":
      return {
        path: route.path,
        body: { url: "https://siem.example/hooks/compliance", secret: "matrix-secret-0123456789", events: ["opened"] },
      };
    case "deleteWebhook":
    case "pauseWebhook":
    case "resumeWebhook": {
      const created = await call("POST", "/api/v1/webhooks", server.adminToken, {
        url: "https://siem.example/hooks/compliance",
        secret: "matrix-secret-0123456789",
        events: ["opened"],
      });
      return { path: route.path.replace("{id}", (created.body as { id: string }).id) };
    }
    case "policyVersion":
      return { path: "/api/v1/policy/history/1" };
    case "privacyExport":
      return { path: `${route.path}?user=alice` };
    case "privacyErase":
      return { path: route.path, body: { device: (await server.enroll()).deviceId } };
    default:
      return { path: route.path };
  }
}

beforeAll(async () => {
  server = await TestServer.start({ tuning: { enrollBurst: 10_000, enrollPerMinute: 10_000 } });
  viewer = TokenCreated.parse((await call("POST", "/api/v1/tokens", server.adminToken, { name: "soc", role: "viewer" })).body).token;
  security = TokenCreated.parse(
    (await call("POST", "/api/v1/tokens", server.adminToken, { name: "security team", role: "security" })).body,
  ).token;
});
afterAll(async () => {
  await server.stop();
});

const tokenRoutes = ROUTES.filter((r) => tokenAccess(r.access) !== undefined);

describe("authorization matrix", () => {
  it.each(tokenRoutes.map((r) => [`${r.method} ${r.path}`, r] as const))(
    "%s: 401 without a token or with a wrong one",
    async (_name, route) => {
      const { path, body } = await validCall(route);
      for (const token of [null, "not-a-token-this-server-gave-out"]) {
        const answer = await call(route.method, path, token, body);
        expect(answer.status, String(token)).toBe(401);
        expect(ErrorBody.parse(answer.body).error.code).toBe("unauthorized");
      }
    },
  );

  it.each(tokenRoutes.map((r) => [`${r.method} ${r.path} (${r.access})`, r] as const))(
    "%s: viewer, security and admin get what the role allows",
    async (_name, route) => {
      const needed = tokenAccess(route.access) ?? "admin";
      for (const [role, token] of [
        ["viewer", viewer],
        ["security", security],
      ] as const) {
        const call1 = await validCall(route);
        const answer = await call(route.method, call1.path, token, call1.body);
        if (roleSatisfies(role, needed)) {
          expect(answer.status, `${role}: ${JSON.stringify(answer.body)}`).toBe(route.ok.status);
        } else {
          expect(answer.status, role).toBe(403);
          expect(ErrorBody.parse(answer.body).error.code).toBe("forbidden");
        }
      }
      const asAdmin = await validCall(route);
      const done = await call(route.method, asAdmin.path, server.adminToken, asAdmin.body);
      expect(done.status, JSON.stringify(done.body)).toBe(route.ok.status);
      if (route.ok.schema !== null)
        expect(route.ok.schema.safeParse(done.body).success, JSON.stringify(done.body).slice(0, 300)).toBe(true);
      if (route.ok.contentType !== undefined) expect(done.contentType).toContain(route.ok.contentType);
    },
  );

  it("gives exemptions to the security role and keeps policy, tokens and audit from it", () => {
    const access = (id: string) => ROUTES.find((r) => r.operationId === id)?.access;
    expect([access("createExemption"), access("deleteExemption")]).toEqual(["security", "security"]);
    expect([access("putPolicy"), access("createToken"), access("listAudit")]).toEqual(["admin", "admin", "admin"]);
  });

  it("lets anyone read /healthz and the OpenAPI document", async () => {
    expect(await call("GET", "/healthz", null)).toMatchObject({ status: 200, body: { status: "ok" } });
    expect((await call("GET", "/api/v1/openapi.json", null)).status).toBe(200);
  });

  it("takes enrollment by its secret and the agent channel by the device credential", async () => {
    const enroll = await call("POST", "/api/v1/enroll", null, { secret: "wrong", hostname: "h", os: "linux", hardwareId: "x" });
    expect(enroll.status).toBe(401);
    const { deviceId } = await server.enroll();
    const agent = await TestAgent.connect(`${server.wsUrl}`);
    agent.send(helloFrame(deviceId, "w".repeat(43)));
    expect((await agent.waitClosed()).code).toBe(4401);
    expect(AGENT_CHANNEL_PATH).toBe("/api/v1/agent");
  });

  it("covers every route of the catalogue in one of the cases above", () => {
    const covered = new Set([...tokenRoutes.map((r) => r.operationId), "health", "openapi", "enroll", "agentChannel"]);
    expect(ROUTES.filter((r) => !covered.has(r.operationId))).toEqual([]);
  });
});

describe("input that does not validate: 400 naming the field", () => {
  const long = "x".repeat(65);
  it.each<[string, string, string, unknown, string]>([
    ["POST", "/api/v1/enroll", "", { secret: "s", hostname: "", os: "linux", hardwareId: "h" }, "hostname"],
    ["POST", "/api/v1/enroll", "", { secret: "s", hostname: "h", os: "beos", hardwareId: "h" }, "os"],
    ["GET", `/api/v1/devices/${long}`, "admin", undefined, "id"],
    ["GET", "/api/v1/violations?status=bogus", "viewer", undefined, "status"],
    ["GET", "/api/v1/violations?limit=0", "viewer", undefined, "limit"],
    ["GET", "/api/v1/violations?colour=red", "viewer", undefined, "colour"],
    ["GET", "/api/v1/violations/stream?lastEventId=abc", "viewer", undefined, "lastEventId"],
    ["GET", "/api/v1/software?status=approved", "viewer", undefined, "status"],
    ["PUT", "/api/v1/policy", "admin", { ...DEFAULT_POLICY, heartbeatSeconds: "often" }, "heartbeatSeconds"],
    ["GET", "/api/v1/policy/history?limit=many", "viewer", undefined, "limit"],
    [
      "POST",
      "/api/v1/exemptions",
      "admin",
      { device: "*", check: "usb-storage", subject: "S", approvedBy: "CISO", expiresAt: "2030-01-01T00:00:00Z" },
      "reason",
    ],
    [
      "POST",
      "/api/v1/exemptions",
      "admin",
      { device: "*", check: "usb-storage", subject: "S", reason: "r", approvedBy: "CISO", expiresAt: "soon" },
      "expiresAt",
    ],
    [
      "POST",
      "/api/v1/exemptions",
      "admin",
      { device: "*", check: "software", subject: "nm\u0000ap", reason: "r", approvedBy: "CISO", expiresAt: "2030-01-01T00:00:00Z" },
      "subject",
    ],
    ["GET", "/api/v1/exemptions?status=bogus", "viewer", undefined, "status"],
    ["DELETE", `/api/v1/exemptions/${long}`, "admin", undefined, "id"],
    ["POST", "/api/v1/tokens", "admin", { name: "", role: "viewer" }, "name"],
    ["POST", "/api/v1/tokens", "admin", { name: "n", role: "root" }, "role"],
    ["DELETE", `/api/v1/tokens/${long}`, "admin", undefined, "id"],
    ["GET", "/api/v1/audit?since=yesterday", "admin", undefined, "since"],
    ["GET", "/api/v1/privacy/export?device=", "admin", undefined, "device"],
    ["GET", "/api/v1/privacy/export?device=a&user=b", "admin", undefined, "device or user"],
    ["POST", "/api/v1/privacy/erase", "admin", { device: 5 }, "device"],
    ["POST", "/api/v1/privacy/erase", "admin", { user: "u", everything: true }, "everything"],
  ])("%s %s", async (method, path, who, body, field) => {
    const token = who === "admin" ? server.adminToken : who === "viewer" ? viewer : null;
    const answer = await call(method, path, token, body);
    expect(answer.status).toBe(400);
    const error = ErrorBody.parse(answer.body).error;
    expect(["bad_request", "invalid_policy"]).toContain(error.code);
    expect(error.message).toContain(field);
    // A path parameter is labelled as one (it was once called "query").
    if (/\/(devices|exemptions|tokens)\/x{65}$/.test(path)) expect(error.message).toMatch(/^invalid params: id/);
  });

  it("refuses a body that is not JSON on every route that takes one", async () => {
    for (const route of ROUTES.filter((r) => r.body !== undefined)) {
      const res = await fetch(`${server.url}${route.path}`, {
        method: route.method,
        headers: { authorization: `Bearer ${server.adminToken}`, "content-type": "application/json" },
        body: "{not json",
      });
      expect(res.status, route.path).toBe(400);
      expect(ErrorBody.parse(await res.json()).error.code).toBe("bad_request");
    }
  });
});

describe("unknown routes, wrong methods and oversized bodies", () => {
  it.each([
    ["GET", "/api/v1/nothing"],
    ["GET", "/api/v1/tokens/a/b"],
    ["DELETE", "/api/v1/policy/"],
  ])("answers %s %s with 404 in the error shape", async (method, path) => {
    const answer = await call(method, path, server.adminToken);
    expect(answer.status).toBe(404);
    expect(answer.contentType).toContain("application/json");
    expect(ErrorBody.parse(answer.body).error.code).toBe("not_found");
  });

  it.each([
    ["POST", "/api/v1/policy", "GET, HEAD, PUT"],
    ["DELETE", "/api/v1/audit", "GET, HEAD"],
    ["PUT", "/api/v1/tokens/0190f3c2-7c1a-7000-8000-000000000001", "DELETE"],
    ["GET", "/api/v1/privacy/erase", "POST"],
    ["POST", "/healthz", "GET, HEAD"],
  ])("answers %s %s with 405, Allow: %s, in the error shape (before any token check)", async (method, path, allow) => {
    for (const token of [server.adminToken, null]) {
      const res = await fetch(`${server.url}${path}`, { method, headers: token === null ? {} : { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe(allow);
      const error = ErrorBody.parse(await res.json()).error;
      expect(error.code).toBe("method_not_allowed");
      expect(error.message).toContain(allow);
    }
  });

  it("answers every wrong method on every path of the catalogue with 405 and the methods the path takes", async () => {
    const byPath = new Map<string, Set<string>>();
    for (const r of ROUTES) byPath.set(r.path, (byPath.get(r.path) ?? new Set()).add(r.method));
    for (const [path, methods] of byPath) {
      const concrete = path.replace("{id}", "some-id");
      for (const method of ["GET", "POST", "PUT", "DELETE", "PATCH"].filter((m) => !methods.has(m))) {
        const res = await fetch(`${server.url}${concrete}`, { method });
        expect(res.status, `${method} ${path}`).toBe(405);
        const allow = res.headers.get("allow")?.split(", ") ?? [];
        for (const m of methods) expect(allow, `${method} ${path}`).toContain(m);
        await res.body?.cancel();
      }
    }
  });

  it("answers 413 to a body over the limit on every route that takes one", async () => {
    const huge = "x".repeat(server.server.config.tuning.bodyLimitBytes + 1);
    for (const route of ROUTES.filter((r) => r.body !== undefined)) {
      const answer = await call(route.method, route.path, server.adminToken, { padding: huge });
      expect(answer.status, route.path).toBe(413);
      expect(ErrorBody.parse(answer.body).error.code).toBe("payload_too_large");
    }
  });
});
