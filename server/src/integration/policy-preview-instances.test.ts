// POST /api/v1/policy/preview with two instances (in-process) on one PostgreSQL database: an agent connected to
// instance B is previewed by a request to instance A, through the stored candidate (bigger than a NOTIFY payload) and
// the answers B records; devices no instance reached count as not previewed.
import { DEFAULT_POLICY, PolicyPreview, PolicyRollout, PreviewFrame, type PreviewResultFrame } from "@wegroup/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_PAYLOAD_BYTES } from "../cluster/bus.js";
import { TestAgent } from "../testing/agent-client.js";
import { TEST_DATABASES, type TestDatabase } from "../testing/databases.js";
import { TestServer } from "../testing/harness.js";

const postgres = TEST_DATABASES.find((d) => d.name === "postgres");
if (postgres === undefined) throw new Error("no postgres test database");

const { version: _v, ...base } = DEFAULT_POLICY;
// 200 more deny rules: the candidate alone is far over what a NOTIFY payload may carry.
const candidate = {
  ...base,
  software: {
    ...base.software,
    deny: [
      ...base.software.deny,
      ...Array.from({ length: 200 }, (_, i) => ({ id: `no-tool-${i}`, name: `forbidden-tool-number-${i}`, category: "sniffer" as const })),
      { id: "no-wireshark", name: "wireshark", category: "sniffer" as const },
    ],
  },
};

describe("policy preview across instances on PostgreSQL", () => {
  let database: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  const agents: TestAgent[] = [];

  beforeAll(async () => {
    database = await postgres.create();
    a = await TestServer.start({ database: database.target, tuning: { enrollBurst: 100, enrollPerMinute: 100 } });
    b = await TestServer.start({ database: database.target, tuning: { enrollBurst: 100, enrollPerMinute: 100 } });
  });
  afterAll(async () => {
    await Promise.all(agents.splice(0).map((agent) => agent.close()));
    await a?.stop();
    await b?.stop();
    await database?.dispose();
  });

  async function connect(server: TestServer, hostname: string): Promise<TestAgent> {
    const { deviceId, credential } = await server.enroll(`hw-${hostname}`, hostname);
    const agent = await TestAgent.hello(server.wsUrl, deviceId, credential, {
      device: { hostname, platform: "linux", agentVersion: "1.0.0" },
    });
    agents.push(agent);
    return agent;
  }

  /** The agent answers the preview frame it gets, after checking it carries the whole candidate. */
  const answer = (agent: TestAgent, over: Partial<PreviewResultFrame>) =>
    agent.next("preview").then((f) => {
      const frame = PreviewFrame.parse(f);
      expect(frame.policy.software.deny).toHaveLength(candidate.software.deny.length);
      expect(frame.policy.software.deny.at(-1)).toMatchObject({ id: "no-wireshark" });
      agent.send({ type: "preview-result", id: frame.id, opened: [], resolved: [], ...over });
      return frame.id;
    });

  it("previews an agent on instance B from a request to instance A, with its opened and resolved items", async () => {
    expect(Buffer.byteLength(JSON.stringify(candidate))).toBeGreaterThan(MAX_PAYLOAD_BYTES);
    const onA = await connect(a, "lt-on-a");
    const onB = await connect(b, "lt-on-b");
    const silentOnB = await connect(b, "lt-silent-on-b");
    await b.enroll("hw-offline", "lt-offline");

    const started = Date.now();
    const [res, idOnA, idOnB] = await Promise.all([
      a.request("POST", "/api/v1/policy/preview", { token: a.adminToken, body: candidate }),
      answer(onA, { opened: [{ check: "software", subject: "wireshark", title: "Wireshark" }] }),
      answer(onB, {
        opened: [{ check: "software", subject: "wireshark", title: "Wireshark" }],
        resolved: [{ check: "usb-storage", subject: "SER-B-1" }],
      }),
      silentOnB.next("preview"),
    ]);
    expect(res.status).toBe(200);
    expect(idOnB).toBe(idOnA);
    const preview = PolicyPreview.parse(res.body);
    expect(preview).toEqual({
      devices: 2,
      notPreviewed: 2,
      opened: [
        {
          check: "software",
          subject: "wireshark",
          title: "Wireshark",
          devices: [expect.objectContaining({ hostname: "lt-on-a" }), expect.objectContaining({ hostname: "lt-on-b" })],
        },
      ],
      resolved: [
        { check: "usb-storage", subject: "SER-B-1", title: "SER-B-1", devices: [expect.objectContaining({ hostname: "lt-on-b" })] },
      ],
    });
    // Collected within the wait (3 s), not beyond.
    expect(Date.now() - started).toBeLessThan(10_000);
    // Nothing applied: both instances still serve version 1.
    for (const server of [a, b]) expect(PolicyRollout.parse((await server.get("/api/v1/policy/rollout")).body).latestVersion).toBe(1);
  });

  it("previews the other way round too: a request to B hears the agent on A, and the silent agent on B is not previewed", async () => {
    const [onA, onB, silentOnB] = agents;
    if (onA === undefined || onB === undefined || silentOnB === undefined) throw new Error("the agents of the test before");
    const [res] = await Promise.all([
      b.request("POST", "/api/v1/policy/preview", { token: b.adminToken, body: candidate }),
      answer(onA, { resolved: [{ check: "software", subject: "wireshark", title: "Wireshark" }] }),
      answer(onB, {}),
      silentOnB.next("preview"),
    ]);
    expect(PolicyPreview.parse(res.body)).toEqual({
      devices: 2,
      notPreviewed: 2,
      opened: [],
      resolved: [
        { check: "software", subject: "wireshark", title: "Wireshark", devices: [expect.objectContaining({ hostname: "lt-on-a" })] },
      ],
    });
  });
});
