// POST /api/v1/policy/preview on the real server (in-process): the candidate goes to connected agents as a `preview`
// frame, their answers are folded by title, check and device; offline devices and silent agents count as not previewed.
import { DEFAULT_POLICY, PolicyPreview, PolicyRollout, PreviewFrame, type PreviewResultFrame } from "@wegroup/shared";
import { afterEach, describe, expect, it } from "vitest";
import { TestAgent } from "../testing/agent-client.js";
import { TestServer } from "../testing/harness.js";

let server: TestServer;
const agents: TestAgent[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
  await server.stop();
});

async function connect(hostname: string): Promise<TestAgent> {
  const { deviceId, credential } = await server.enroll(`hw-${hostname}`, hostname);
  const agent = await TestAgent.hello(server.wsUrl, deviceId, credential, {
    device: { hostname, platform: "linux", agentVersion: "1.0.0" },
  });
  agents.push(agent);
  return agent;
}

const { version: _v, ...candidate } = DEFAULT_POLICY;
const withWireshark = {
  ...candidate,
  software: {
    ...candidate.software,
    deny: [...candidate.software.deny, { id: "no-wireshark", name: "wireshark", category: "sniffer" as const }],
  },
};

describe("policy preview", () => {
  it("sends the candidate to each connected agent and folds their answers; a silent agent and an offline device are not previewed", async () => {
    server = await TestServer.start({ tuning: { enrollBurst: 100, enrollPerMinute: 100 } });
    const a = await connect("lt-a");
    const b = await connect("lt-b");
    const silent = await connect("lt-silent");
    await server.enroll("hw-offline", "lt-offline");
    const answer = (agent: TestAgent, over: Partial<PreviewResultFrame>) =>
      agent.next("preview").then((f) => {
        const frame = PreviewFrame.parse(f);
        expect(frame.policy.software.deny.at(-1)).toMatchObject({ id: "no-wireshark" });
        agent.send({ type: "preview-result", id: frame.id, opened: [], resolved: [], ...over });
      });
    const started = Date.now();
    const [res] = await Promise.all([
      server.request("POST", "/api/v1/policy/preview", { token: server.adminToken, body: withWireshark }),
      answer(a, {
        opened: [{ check: "software", subject: "wireshark", title: "Wireshark" }],
        resolved: [{ check: "usb-storage", subject: "SER-1" }],
      }),
      answer(b, { opened: [{ check: "software", subject: "wireshark", title: "Wireshark" }] }),
      silent.next("preview"),
    ]);
    const preview = PolicyPreview.parse(res.body);
    expect(preview).toEqual({
      devices: 2,
      notPreviewed: 2,
      opened: [
        {
          check: "software",
          subject: "wireshark",
          title: "Wireshark",
          devices: [expect.objectContaining({ hostname: "lt-a" }), expect.objectContaining({ hostname: "lt-b" })],
        },
      ],
      resolved: [{ check: "usb-storage", subject: "SER-1", title: "SER-1", devices: [expect.objectContaining({ hostname: "lt-a" })] }],
    });
    // The silent agent was waited for, within seconds.
    expect(Date.now() - started).toBeLessThan(10_000);
    // Nothing stored: the policy is still version 1 and nothing is pending.
    expect(PolicyRollout.parse((await server.get("/api/v1/policy/rollout")).body).latestVersion).toBe(1);
  });

  it("refuses an invalid candidate with the schema's message, and lets only admin preview", async () => {
    server = await TestServer.start();
    const bad = await server.request("POST", "/api/v1/policy/preview", {
      token: server.adminToken,
      body: { ...candidate, heartbeatSeconds: 1 },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain("heartbeatSeconds");
    const none = PolicyPreview.parse(
      (await server.request("POST", "/api/v1/policy/preview", { token: server.adminToken, body: withWireshark })).body,
    );
    expect(none).toEqual({ devices: 0, notPreviewed: 0, opened: [], resolved: [] });
  });
});
