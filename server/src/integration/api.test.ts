// The HTTP API in-process: real server on port 0, real SQLite; enrollment, auth, errors, devices, violations paging.
import { DeviceDetail, DeviceList, ErrorBody, TokenCreated, TokenList, type Violation, ViolationPage } from "@wegroup/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TestAgent } from "../testing/agent-client.js";
import { reportFrame, usbFail, usbPass } from "../testing/frames.js";
import { TestServer } from "../testing/harness.js";

let server: TestServer;
const agents: TestAgent[] = [];

beforeEach(async () => {
  server = await TestServer.start({ tuning: { enrollBurst: 1_000, enrollPerMinute: 1_000 } });
});
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
  await server.stop();
});

const errorOf = (body: unknown) => ErrorBody.parse(body).error;

async function viewerToken(): Promise<string> {
  const answer = await server.request("POST", "/api/v1/tokens", { token: server.adminToken, body: { name: "soc", role: "viewer" } });
  expect(answer.status).toBe(201);
  return TokenCreated.parse(answer.body).token;
}

async function reportingAgent(hostname: string, results: Parameters<typeof reportFrame>[0]) {
  const { deviceId, credential } = await server.enroll(`hw-${hostname}`, hostname);
  const agent = await TestAgent.hello(server.wsUrl, deviceId, credential, {
    agentVersion: "1.0.0",
    device: { hostname, platform: "linux", agentVersion: "1.0.0" },
  });
  agents.push(agent);
  const report = reportFrame(results);
  agent.send(report);
  await agent.ack(report.id);
  return { deviceId, agent };
}

describe("health and dashboard", () => {
  it("answers /healthz with 200 {status: ok}", async () => {
    expect(await server.get("/healthz", null)).toMatchObject({ status: 200, body: { status: "ok" } });
  });

  it("serves the dashboard at / with a strict content security policy, and its script", async () => {
    const page = await server.get("/", null);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(page.headers.get("content-security-policy")).toMatch(/default-src 'self'/);
    expect(String(page.body)).toContain('<script type="module" src="/app.js">');
    const script = await server.get("/app.js", null);
    expect(script.headers.get("content-type")).toMatch(/javascript/);
    // The token is kept in the tab's sessionStorage only, never localStorage.
    expect(String(script.body)).toContain("sessionStorage");
    expect(String(script.body)).not.toContain("localStorage");
    const vendor = await server.get("/vendor/vendor.js", null);
    expect([vendor.status, vendor.headers.get("content-security-policy")]).toEqual([200, expect.stringContaining("script-src 'self'")]);
  });

  it("answers unknown routes with 404 in the error shape", async () => {
    const answer = await server.get("/api/v1/nothing-here");
    expect(answer.status).toBe(404);
    expect(errorOf(answer.body)).toEqual({ code: "not_found", message: "no route GET /api/v1/nothing-here" });
  });
});

describe("malformed paths (found by fuzzing)", () => {
  it.each([
    ["an over-long path parameter", `/api/v1/devices/${"x".repeat(150)}`, /longer than 100 characters/],
    ["a malformed percent-encoding", "/api/v1/devices/%E0%A4%A", /not a well-formed URL/],
    ["a NUL in a path parameter", "/api/v1/devices/a%00b", /id: must not contain the NUL character/],
  ])("answers %s with 400 in the error shape", async (_name, route, message) => {
    const answer = await server.get(route);
    expect(answer.status).toBe(400);
    expect(errorOf(answer.body)).toMatchObject({ code: "bad_request", message: expect.stringMatching(message) });
  });
});

describe("enrollment", () => {
  it("trades the secret for a device id and a credential", async () => {
    const answer = await server.request("POST", "/api/v1/enroll", {
      body: { secret: server.enrollSecret, hostname: "h1", os: "darwin", hardwareId: "HW-1" },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      deviceId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      credential: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
  });

  // Deliberately changed (hardening, issue 14): the same hardware id used to get the same device id with a new credential.
  it("makes a new device flagged as a re-enrollment when the same hardware enrolls again", async () => {
    const first = await server.enroll("HW-AGAIN");
    const second = await server.enroll("HW-AGAIN");
    expect(second.deviceId).not.toBe(first.deviceId);
    expect(second.credential).not.toBe(first.credential);
    const devices = (await server.get("/api/v1/devices")).body as { items: { id: string; reEnrollmentOf: string | null }[] };
    expect(devices.items.find((d) => d.id === first.deviceId)?.reEnrollmentOf).toBeNull();
    expect(devices.items.find((d) => d.id === second.deviceId)?.reEnrollmentOf).toBe(first.deviceId);
  });

  it("refuses a wrong secret with 401", async () => {
    const answer = await server.request("POST", "/api/v1/enroll", {
      body: { secret: "wrong", hostname: "h", os: "linux", hardwareId: "x" },
    });
    expect(answer.status).toBe(401);
    expect(errorOf(answer.body).code).toBe("unauthorized");
  });

  it.each([
    ["a missing hostname", { os: "linux", hardwareId: "x" }, /hostname/],
    ["an unknown os", { hostname: "h", os: "beos", hardwareId: "x" }, /^invalid body: os:/],
    ["an empty hardware id", { hostname: "h", os: "linux", hardwareId: "" }, /hardwareId/],
  ])("refuses %s with 400 naming the field", async (_name, fields, message) => {
    const answer = await server.request("POST", "/api/v1/enroll", { body: { secret: server.enrollSecret, ...fields } });
    expect(answer.status).toBe(400);
    expect(errorOf(answer.body)).toMatchObject({ code: "bad_request", message: expect.stringMatching(message) });
  });

  it("refuses a body that is not JSON with 400", async () => {
    const answer = await server.request("POST", "/api/v1/enroll", { rawBody: "{secret:", headers: { "content-type": "application/json" } });
    expect(answer.status).toBe(400);
    expect(errorOf(answer.body).code).toBe("bad_request");
  });

  it("refuses an oversized body with 413", async () => {
    const answer = await server.request("POST", "/api/v1/enroll", { body: { secret: "x".repeat(2 * 1024 * 1024) } });
    expect(answer.status).toBe(413);
    expect(errorOf(answer.body).code).toBe("payload_too_large");
  });

  it("never writes the secret, the credential or the admin token to the log", async () => {
    const { credential } = await server.enroll();
    await server.get("/api/v1/devices");
    const log = server.logs.join("\n");
    expect(log).toContain("device enrolled");
    for (const secret of [server.enrollSecret, credential, server.adminToken]) expect(log).not.toContain(secret);
  });
});

describe("enrollment rate limit", () => {
  it("answers 429 with Retry-After once a client address used up its attempts", async () => {
    await server.stop();
    server = await TestServer.start({ tuning: { enrollBurst: 3, enrollPerMinute: 1 } });
    const attempt = () =>
      server.request("POST", "/api/v1/enroll", { body: { secret: "wrong", hostname: "h", os: "linux", hardwareId: "x" } });
    expect([(await attempt()).status, (await attempt()).status, (await attempt()).status]).toEqual([401, 401, 401]);
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(errorOf(limited.body).code).toBe("rate_limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("authentication and roles", () => {
  it("answers 401 without a token and with an unknown one", async () => {
    const none = await server.get("/api/v1/devices", null);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(errorOf(none.body).code).toBe("unauthorized");
    const wrong = await server.get("/api/v1/violations", "not-a-real-token");
    expect(wrong.status).toBe(401);
    const malformed = await server.request("GET", "/api/v1/devices", { headers: { authorization: `Basic ${server.adminToken}` } });
    expect(malformed.status).toBe(401);
  });

  it("lets a viewer read and answers 403 when it tries an admin route", async () => {
    const viewer = await viewerToken();
    expect((await server.get("/api/v1/devices", viewer)).status).toBe(200);
    expect((await server.get("/api/v1/violations", viewer)).status).toBe(200);
    const denied = await server.get("/api/v1/tokens", viewer);
    expect(denied.status).toBe(403);
    expect(errorOf(denied.body)).toMatchObject({ code: "forbidden", message: expect.stringMatching(/admin role/) });
  });

  it("lists tokens without their secrets and revokes one", async () => {
    const viewer = await viewerToken();
    const list = TokenList.parse((await server.get("/api/v1/tokens")).body);
    expect(list.items.map((t) => [t.name, t.role])).toEqual([
      [server.adminTokenName, "admin"],
      ["soc", "viewer"],
    ]);
    expect(JSON.stringify(list)).not.toContain(viewer);
    const id = list.items[1]?.id ?? "";
    expect((await server.request("DELETE", `/api/v1/tokens/${id}`, { token: server.adminToken })).status).toBe(204);
    expect((await server.get("/api/v1/devices", viewer)).status).toBe(401);
    expect((await server.request("DELETE", `/api/v1/tokens/${id}`, { token: server.adminToken })).status).toBe(404);
  });

  it("refuses a token body naming the field", async () => {
    const answer = await server.request("POST", "/api/v1/tokens", { token: server.adminToken, body: { name: "x", role: "root" } });
    expect(answer.status).toBe(400);
    expect(errorOf(answer.body).message).toMatch(/role/);
  });
});

describe("devices", () => {
  it("lists devices with status, open violations and policy version", async () => {
    const { deviceId: dirty } = await reportingAgent("dirty-host", [usbFail("D-1", "D-2")]);
    const { deviceId: clean } = await reportingAgent("clean-host", [usbPass()]);
    const { deviceId: unsure } = await reportingAgent("unsure-host", [
      { check: "screen-lock", status: "unknown", violations: [], reason: "no desktop session" },
    ]);
    const { deviceId: half } = await reportingAgent("half-host", [
      usbPass(),
      { check: "screen-lock", status: "unknown", violations: [], reason: "no desktop session" },
    ]);
    await server.enroll("hw-never", "never-host");
    const list = DeviceList.parse((await server.get("/api/v1/devices")).body);
    const byHost = new Map(list.items.map((d) => [d.hostname, d]));
    expect(byHost.get("dirty-host")).toMatchObject({
      id: dirty,
      status: "noncompliant",
      openViolations: 2,
      os: "linux",
      agentVersion: "1.0.0",
    });
    expect(byHost.get("clean-host")).toMatchObject({ id: clean, status: "compliant", openViolations: 0 });
    // Every check unknown: nothing was judged, so not compliant; one judged check that passes is.
    expect(byHost.get("unsure-host")).toMatchObject({ id: unsure, status: "unknown", openViolations: 0 });
    expect(byHost.get("half-host")).toMatchObject({ id: half, status: "compliant", openViolations: 0 });
    expect(byHost.get("never-host")).toMatchObject({ status: "offline", lastSeen: null, agentVersion: null, policyVersion: null });
  });

  it("shows one device with its latest result per check, and 404 for an unknown one", async () => {
    const { deviceId } = await reportingAgent("detail-host", [
      usbFail("X-1"),
      { check: "screen-lock", status: "unknown", violations: [], reason: "no desktop session" },
    ]);
    const detail = DeviceDetail.parse((await server.get(`/api/v1/devices/${deviceId}`)).body);
    expect(detail).toMatchObject({ id: deviceId, connected: true, openViolations: 1, status: "noncompliant" });
    expect(detail.results.map((r) => [r.check, r.status, r.reason])).toEqual([
      ["screen-lock", "unknown", "no desktop session"],
      ["usb-storage", "fail", undefined],
    ]);
    const missing = await server.get("/api/v1/devices/no-such-device");
    expect(missing.status).toBe(404);
    expect(errorOf(missing.body).code).toBe("not_found");
  });
});

describe("violations", () => {
  it("pages newest first with a keyset cursor over more rows than the limit", async () => {
    const serials = Array.from({ length: 25 }, (_, i) => `PAGE-${String(i).padStart(2, "0")}`);
    await reportingAgent("paging-host", [usbFail(...serials)]);
    const seen: Violation[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer = await server.get(`/api/v1/violations?status=open&limit=10${cursor === null ? "" : `&cursor=${cursor}`}`);
      expect(answer.status).toBe(200);
      const page = ViolationPage.parse(answer.body);
      expect(page.items.length).toBeLessThanOrEqual(10);
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(25);
    expect(new Set(seen.map((v) => v.id)).size).toBe(25);
    const ids = seen.map((v) => v.id);
    expect(ids).toEqual([...ids].sort().reverse());
    // Opened in report order, so newest first is the reverse of it.
    expect(seen.map((v) => v.subject)).toEqual([...serials].reverse());
  });

  it("answers an exact last page with nextCursor null", async () => {
    await reportingAgent("exact-host", [usbFail("E-1", "E-2")]);
    const page = ViolationPage.parse((await server.get("/api/v1/violations?limit=2")).body);
    expect(page.items).toHaveLength(2);
    expect(page.nextCursor).toBeNull();
  });

  it("filters by device, check, status and since", async () => {
    const { deviceId: a } = await reportingAgent("filter-a", [usbFail("F-1")]);
    await reportingAgent("filter-b", [usbFail("F-2")]);
    const only = ViolationPage.parse((await server.get(`/api/v1/violations?device=${a}&check=usb-storage`)).body).items;
    expect(only.map((v) => v.subject)).toEqual(["F-1"]);
    expect(ViolationPage.parse((await server.get("/api/v1/violations?check=software")).body).items).toEqual([]);
    expect(ViolationPage.parse((await server.get("/api/v1/violations?status=resolved")).body).items).toEqual([]);
    expect(ViolationPage.parse((await server.get("/api/v1/violations?status=all&since=2999-01-01T00:00:00Z")).body).items).toEqual([]);
    expect(ViolationPage.parse((await server.get("/api/v1/violations?status=all&since=2000-01-01T00:00:00Z")).body).items).toHaveLength(2);
  });

  it.each([
    ["status=bogus", /^invalid query: status:/],
    ["limit=0", /^invalid query: limit:/],
    ["limit=5000", /^invalid query: limit:/],
    ["since=yesterday", /^invalid query: since:/],
    ["check=antivirus", /^invalid query: check:/],
    ["cursor=bm9wZQ", /cursor/],
    ["statsu=open", /statsu/],
  ])("answers ?%s with 400 naming the field", async (query, message) => {
    const answer = await server.get(`/api/v1/violations?${query}`);
    expect(answer.status).toBe(400);
    expect(errorOf(answer.body)).toMatchObject({ code: "bad_request", message: expect.stringMatching(message) });
  });
});
