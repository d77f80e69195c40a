// GET /api/v1/software over the real server: the fleet's titles that are not approved, from real agent frames; violations carry the rule and the title.
import {
  type CheckResult,
  type CheckViolation,
  ErrorBody,
  type SoftwareTitleDetail,
  SoftwareList,
  TokenCreated,
  Violation,
  ViolationPage,
} from "@wegroup/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestAgent } from "../testing/agent-client.js";
import { FeedClient } from "../testing/feed-client.js";
import { reportFrame } from "../testing/frames.js";
import { TestServer } from "../testing/harness.js";

const wireshark = (version: string, source: "app" | "homebrew"): CheckViolation => ({
  subject: "wireshark",
  message: `Wireshark ${version} is prohibited: sniffer`,
  observed: `Wireshark ${version} (${source})`,
  expected: "not installed",
  rule: "deny-wireshark",
  title: {
    name: "Wireshark",
    verdict: "denied",
    category: "sniffer",
    versions: [version],
    sources: [source],
    identity: { teamId: "7Z6EMTD2C6", signer: "Developer ID Application: Wireshark Foundation (7Z6EMTD2C6)" },
    bundleId: "org.wireshark.Wireshark",
    scope: "installed",
  },
});

const anydesk: CheckViolation = {
  subject: "anydesk",
  message: "AnyDesk 8.0.8 is not on IT's allowlist",
  observed: "AnyDesk 8.0.8 (registry)",
  expected: "on IT's allowlist",
  title: {
    name: "AnyDesk",
    verdict: "unapproved",
    versions: ["8.0.8"],
    sources: ["registry"],
    identity: {},
    declaredPublisher: "Microsoft Corporation",
    scope: "installed",
  },
};

const software = (...violations: CheckViolation[]): CheckResult => ({ check: "software", status: "fail", violations });

let server: TestServer;
let feed: FeedClient;
const agents: TestAgent[] = [];
const devices: Record<"a" | "b", string> = { a: "", b: "" };
let viewer: string;

async function laptop(hostname: string): Promise<{ deviceId: string; agent: TestAgent }> {
  const { deviceId, credential } = await server.enroll(`hw-${hostname}`, hostname);
  const agent = await TestAgent.hello(server.wsUrl, deviceId, credential, {
    policyVersion: 1,
    device: { hostname, platform: "darwin", agentVersion: "1.0.0" },
  });
  agents.push(agent);
  return { deviceId, agent };
}

async function report(agent: TestAgent, result: CheckResult): Promise<void> {
  const frame = reportFrame([result]);
  agent.send(frame);
  await agent.ack(frame.id, 30_000);
}

const titles = async (query: string, token = viewer) => {
  const answer = await server.get(`/api/v1/software${query}`, token);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return SoftwareList.parse(answer.body).items;
};

beforeAll(async () => {
  server = await TestServer.start();
  viewer = TokenCreated.parse(
    (await server.request("POST", "/api/v1/tokens", { token: server.adminToken, body: { name: "it-desk", role: "viewer" } })).body,
  ).token;
  feed = new FeedClient(server.url, { token: server.adminToken });
  await feed.opened();
  const a = await laptop("mac-a");
  const b = await laptop("mac-b");
  devices.a = a.deviceId;
  devices.b = b.deviceId;
  await report(a.agent, software(wireshark("4.2.0", "app"), anydesk));
  await report(b.agent, software(wireshark("4.4.1", "homebrew")));
  const exempted = await server.request("POST", "/api/v1/exemptions", {
    token: server.adminToken,
    body: {
      device: b.deviceId,
      check: "software",
      subject: "wireshark",
      reason: "network team, SEC-118",
      approvedBy: "CISO",
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    },
  });
  expect(exempted.status, JSON.stringify(exempted.body)).toBe(201);
  await feed.waitForCount(4);
});

afterAll(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
  await server.stop();
  feed.close();
});

describe("GET /api/v1/software", () => {
  it("lists the fleet's titles that are not approved, one verdict each, with device counts", async () => {
    expect((await titles("?status=all")).map((t) => [t.verdict, t.title, t.devices])).toEqual([
      ["denied", "Wireshark", 1],
      ["unapproved", "AnyDesk", 1],
      ["exempted", "Wireshark", 1],
    ]);
    // all is the default
    expect(await titles("")).toEqual(await titles("?status=all"));
  });

  it("describes each title with what the devices reported: versions, sources, identity, category", async () => {
    const [denied] = await titles("?status=denied");
    expect(denied).toEqual({
      title: "Wireshark",
      key: "wireshark",
      check: "software",
      verdict: "denied",
      category: "sniffer",
      devices: 1,
      versions: ["4.2.0"],
      sources: ["app"],
      identity: { teamId: "7Z6EMTD2C6", signer: "Developer ID Application: Wireshark Foundation (7Z6EMTD2C6)" },
    });
    expect(await titles("?status=unapproved")).toEqual([
      {
        title: "AnyDesk",
        key: "anydesk",
        check: "software",
        verdict: "unapproved",
        devices: 1,
        versions: ["8.0.8"],
        sources: ["registry"],
        identity: {},
      },
    ]);
    expect(await titles("?status=exempted")).toMatchObject([
      { key: "wireshark", verdict: "exempted", devices: 1, versions: ["4.4.1"], sources: ["homebrew"] },
    ]);
  });

  it("counts both devices under denied once the exemption ends", async () => {
    const listed = await server.get(`/api/v1/exemptions?device=${devices.b}`);
    const [exemption] = (listed.body as { items: { id: string }[] }).items;
    expect((await server.request("DELETE", `/api/v1/exemptions/${exemption?.id ?? ""}`, { token: server.adminToken })).status).toBe(204);
    const [denied, ...rest] = await titles("?status=all");
    expect(denied).toMatchObject({
      key: "wireshark",
      verdict: "denied",
      devices: 2,
      versions: ["4.2.0", "4.4.1"],
      sources: ["app", "homebrew"],
    });
    expect(rest.map((t) => t.key)).toEqual(["anydesk"]);
  });

  it.each([
    ["?status=approved", "status"],
    ["?status=all&device=x", "device"],
  ])("answers 400 naming the field to %s", async (query, field) => {
    const answer = await server.get(`/api/v1/software${query}`, viewer);
    expect(answer.status).toBe(400);
    const error = ErrorBody.parse(answer.body).error;
    expect(error.code).toBe("bad_request");
    expect(error.message).toContain(field);
  });

  it("answers 401 without a token and to one it never gave out", async () => {
    expect((await server.get("/api/v1/software", null)).status).toBe(401);
    expect((await server.get("/api/v1/software", "not-a-token-this-server-gave-out")).status).toBe(401);
  });
});

describe("a software violation in the API and on the live feed", () => {
  it("carries the rule that judged it and the title detail; an unapproved title names no rule", async () => {
    const page = ViolationPage.parse((await server.get(`/api/v1/violations?status=all&device=${devices.a}&check=software`, viewer)).body);
    const byKey = new Map(page.items.map((v) => [v.subject, v]));
    expect(byKey.get("wireshark")).toMatchObject({
      rule: "deny-wireshark",
      title: { name: "Wireshark", category: "sniffer", versions: ["4.2.0"] },
    });
    expect(byKey.get("anydesk")?.rule).toBeUndefined();
    expect(byKey.get("anydesk")?.title).toMatchObject({ verdict: "unapproved", declaredPublisher: "Microsoft Corporation" });
    const opened = feed.events.find((e) => e.violation.deviceId === devices.a && e.violation.subject === "wireshark");
    expect(opened?.violation).toMatchObject({ status: "open", rule: "deny-wireshark", title: { versions: ["4.2.0"] } });
  });

  it("follows an upgrade on the same violation: new versions, same subject and id, no feed event", async () => {
    const agent = agents[0] as TestAgent;
    const before = ViolationPage.parse(
      (await server.get(`/api/v1/violations?status=open&device=${devices.a}&check=software`)).body,
    ).items.find((v) => v.subject === "wireshark");
    const eventsBefore = feed.events.length;
    await report(agent, software(wireshark("4.4.1", "app"), anydesk));
    const after = ViolationPage.parse(
      (await server.get(`/api/v1/violations?status=open&device=${devices.a}&check=software`)).body,
    ).items.find((v) => v.subject === "wireshark");
    expect(after?.id).toBe(before?.id);
    expect(after?.title?.versions).toEqual(["4.4.1"]);
    expect(after?.message).toBe("Wireshark 4.4.1 is prohibited: sniffer");
    expect(Violation.parse(after).firstSeen).toBe(before?.firstSeen);
    // A later change proves the upgrade had its chance to reach the feed before it.
    await report(agent, software(anydesk));
    await feed.waitFor(
      (e) => e.violation.deviceId === devices.a && e.violation.subject === "wireshark" && e.violation.status === "resolved",
    );
    expect(feed.events.slice(eventsBefore).map((e) => [e.violation.subject, e.violation.status])).toEqual([["wireshark", "resolved"]]);
  });
});

// The title detail a report carries is validated like the rest of the frame.
describe("a report whose title detail does not validate", () => {
  it("is refused as an invalid frame naming the field, and changes nothing", async () => {
    const agent = agents[1] as TestAgent;
    const bad = software({
      ...wireshark("4.4.1", "homebrew"),
      title: { ...(wireshark("4.4.1", "homebrew").title as SoftwareTitleDetail), verdict: "approved" as "denied" },
    });
    const frame = reportFrame([bad]);
    agent.send(frame);
    const error = await agent.next("error", (e) => e.ref === frame.id);
    expect(error).toMatchObject({ code: "invalid_frame" });
    expect(error.message).toContain("verdict");
  });
});
