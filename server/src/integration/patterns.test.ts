// Patterns of the policy dialect refused on input: a PUT /api/v1/policy or an exemption whose pattern does not validate gets a 400 naming it, and nothing is stored or pushed.
import {
  AuditPage,
  DEFAULT_POLICY,
  ErrorBody,
  type Exemption,
  ExemptionList,
  type Policy,
  PolicyHistory,
  type SoftwareRule,
} from "@wegroup/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TestAgent } from "../testing/agent-client.js";
import { TestServer } from "../testing/harness.js";

let server: TestServer;
let agent: TestAgent;

beforeEach(async () => {
  server = await TestServer.start();
  const { deviceId, credential } = await server.enroll("hw-patterns", "patterns-laptop");
  agent = await TestAgent.hello(server.wsUrl, deviceId, credential, { policyVersion: 1 });
});
afterEach(async () => {
  await agent.close();
  await server.stop();
});

const NUL = "\u0000";
const LONE_HIGH = "\ud83d";
const LONE_LOW = "\udc00";

/** A whole policy whose software rules are the given ones (four deny rules, so that the fourth is `deny[3]`). */
function policyWith(software: { allow?: SoftwareRule[]; deny?: SoftwareRule[] }): Omit<Policy, "version"> {
  const { version: _v, ...rest } = DEFAULT_POLICY;
  return {
    ...rest,
    software: {
      mode: "allowlist",
      allow: software.allow ?? [{ name: "firefox*", source: "dpkg" }],
      deny: software.deny ?? [{ name: "nmap" }, { name: "masscan" }, { name: "john" }, { name: "hydra" }],
    },
  };
}

const denyFourth = (rule: SoftwareRule): SoftwareRule[] => [{ name: "nmap" }, { name: "masscan" }, { name: "john" }, rule];

describe("PUT /api/v1/policy with a rule pattern that does not validate", () => {
  it.each<[string, Omit<Policy, "version">, string]>([
    ["a NUL in a name", policyWith({ deny: denyFourth({ name: `nm${NUL}ap` }) }), "software.deny[3].name"],
    ["a lone high surrogate in a name", policyWith({ deny: denyFourth({ name: `wireshark${LONE_HIGH}` }) }), "software.deny[3].name"],
    [
      "a lone low surrogate in a publisher",
      policyWith({ deny: denyFourth({ publisher: `${LONE_LOW}Evil` }) }),
      "software.deny[3].publisher",
    ],
    ["a control character in an allow rule's team id", policyWith({ allow: [{ teamId: "EQHX\u0007Z8M8AV" }] }), "software.allow[0].teamId"],
    ["an empty origin", policyWith({ allow: [{ origin: "" }] }), "software.allow[0].origin"],
  ])("refuses %s with 400 naming the rule's field; nothing is stored, audited or pushed", async (_name, body, field) => {
    const answer = await server.request("PUT", "/api/v1/policy", { token: server.adminToken, body });
    expect(answer.status).toBe(400);
    const error = ErrorBody.parse(answer.body).error;
    expect(error.code).toBe("invalid_policy");
    expect(error.message).toContain(field);

    expect(((await server.get("/api/v1/policy")).body as Policy).version).toBe(1);
    expect(PolicyHistory.parse((await server.get("/api/v1/policy/history")).body).items.map((h) => h.version)).toEqual([1]);
    expect(AuditPage.parse((await server.get("/api/v1/audit?action=policy.update")).body).items).toEqual([]);
    // A valid PUT afterwards is version 2, and it is the first policy the agent is sent: the refused one never went out.
    const valid = await server.request("PUT", "/api/v1/policy", { token: server.adminToken, body: policyWith({}) });
    expect(valid).toMatchObject({ status: 200, body: { version: 2 } });
    expect((await agent.next("policy")).policy.version).toBe(2);
    expect(agent.frames.filter((f) => f.type === "policy")).toEqual([]);
  });

  it("accepts what the dialect takes literally: brackets, parentheses, backslashes, a leading !", async () => {
    const deny: SoftwareRule[] = [
      { name: "wireshark * (x64)" },
      { name: "[!w]*" },
      { name: "!nmap" },
      { publisher: "WEGROUP\\*" },
      { name: "((*)+)+x" },
    ];
    const answer = await server.request("PUT", "/api/v1/policy", { token: server.adminToken, body: policyWith({ deny }) });
    expect(answer).toMatchObject({ status: 200, body: { version: 2 } });
    expect(((await server.get("/api/v1/policy")).body as Policy).software.deny).toEqual(deny);
  });
});

describe("POST /api/v1/exemptions with a subject pattern that does not validate", () => {
  const exemption = (subject: string) => ({
    device: "*",
    check: "software",
    subject,
    reason: "network team, SEC-118",
    approvedBy: "CISO",
    expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
  });

  it.each([
    ["a NUL", `wire${NUL}shark`],
    ["a lone high surrogate", `wireshark${LONE_HIGH}`],
    ["a lone low surrogate", `${LONE_LOW}wireshark`],
    ["a line break", "wireshark\nnmap"],
  ])("refuses %s with 400 naming subject, and stores and audits nothing", async (_name, subject) => {
    const answer = await server.request("POST", "/api/v1/exemptions", { token: server.adminToken, body: exemption(subject) });
    expect(answer.status).toBe(400);
    const error = ErrorBody.parse(answer.body).error;
    expect(error.code).toBe("bad_request");
    expect(error.message).toContain("subject");
    expect(ExemptionList.parse((await server.get("/api/v1/exemptions?status=all")).body).items).toEqual([]);
    expect(AuditPage.parse((await server.get("/api/v1/audit?action=exemption.create")).body).items).toEqual([]);
  });

  it("stores a subject the dialect takes literally, as written", async () => {
    const answer = await server.request("POST", "/api/v1/exemptions", { token: server.adminToken, body: exemption("Wireshark * (x64)") });
    expect(answer.status).toBe(201);
    expect((answer.body as Exemption).subject).toBe("Wireshark * (x64)");
  });
});
