// Limits before and around authentication over a real server (in-process, real sockets): cheap refusals, logged, while honest agents are served.
import { ErrorBody } from "@wegroup/shared";
import { afterEach, describe, expect, it } from "vitest";
import type { Tuning } from "../config.js";
import { TestAgent } from "../testing/agent-client.js";
import { helloFrame, reportFrame, usbPass } from "../testing/frames.js";
import { TestServer } from "../testing/harness.js";
import { until } from "../testing/wait.js";

let server: TestServer | undefined;
const agents: TestAgent[] = [];
const start = async (tuning: Partial<Tuning> = {}): Promise<TestServer> => {
  server = await TestServer.start({ tuning });
  return server;
};
const track = (agent: TestAgent): TestAgent => {
  agents.push(agent);
  return agent;
};
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
  await server?.stop();
  server = undefined;
});

const logged = (s: TestServer, limit: string) =>
  until(() => s.logs.some((l) => l.includes(`"limit":"${limit}"`)), 5_000, `a log line for the ${limit} limit`);

describe("the agent channel before the hello is authenticated", () => {
  it("refuses a 4 MiB deeply nested first frame by its header (close 1009), logged, while an honest agent is served", async () => {
    const s = await start();
    const { deviceId, credential } = await s.enroll();
    const honest = track(await TestAgent.hello(s.wsUrl, deviceId, credential));
    const attacker = track(await TestAgent.connect(s.wsUrl));
    attacker.send(Buffer.alloc(4 * 1024 * 1024, "["));
    expect((await attacker.waitClosed()).code).toBe(1009);
    await logged(s, "helloMaxBytes");
    const report = reportFrame([usbPass()]);
    honest.send(report);
    await honest.ack(report.id);
  });

  it("refuses a small first frame nested deeper than the limit before JSON.parse, naming the limit", async () => {
    const s = await start();
    const attacker = track(await TestAgent.connect(s.wsUrl));
    attacker.send(`${"[".repeat(2_000)}${"]".repeat(2_000)}`);
    expect(await attacker.next("error")).toMatchObject({ code: "unauthorized", message: expect.stringMatching(/nested at most 8 deep/) });
    expect((await attacker.waitClosed()).code).toBe(4401);
    await logged(s, "helloMaxDepth");
  });

  it("takes a full-size report right after the hello once the hello is in (the small limit is for the first frame only)", async () => {
    const s = await start({ helloMaxBytes: 2_048 });
    const { deviceId, credential } = await s.enroll();
    const agent = track(await TestAgent.connect(s.wsUrl));
    const big = reportFrame([{ check: "software", status: "unknown", violations: [], reason: "x".repeat(1_900) }]);
    agent.send(helloFrame(deviceId, credential));
    agent.send(big);
    await agent.next("welcome");
    await agent.ack(big.id);
  });
});

describe("limits on authenticated connections", () => {
  it("closes a connection that sends more frames than its rate allows (4429), logged", async () => {
    const s = await start({ frameBurst: 5, framesPerSecond: 1 });
    const { deviceId, credential } = await s.enroll();
    const agent = track(await TestAgent.hello(s.wsUrl, deviceId, credential));
    for (let i = 0; i < 10; i++) agent.send({ type: "heartbeat", policyVersion: 1 });
    expect(await agent.next("error")).toMatchObject({
      code: "rate_limited",
      message: expect.stringMatching(/more than 1 frames a second/),
    });
    expect((await agent.waitClosed()).code).toBe(4429);
    await logged(s, "framesPerSecond");
  });

  it("refuses a device that opens connections faster than allowed (4429) and keeps its newest admitted connection", async () => {
    const s = await start({ deviceConnectionBurst: 2, deviceConnectionsPerMinute: 1 });
    const { deviceId, credential } = await s.enroll();
    const first = track(await TestAgent.hello(s.wsUrl, deviceId, credential));
    const second = track(await TestAgent.hello(s.wsUrl, deviceId, credential));
    expect((await first.waitClosed()).code).toBe(4409); // newest wins among admitted connections
    const third = track(await TestAgent.connect(s.wsUrl));
    third.send(helloFrame(deviceId, credential));
    expect(await third.next("error")).toMatchObject({
      code: "rate_limited",
      message: expect.stringMatching(/connects too often; retry in \d+ s/),
    });
    expect((await third.waitClosed()).code).toBe(4429);
    await logged(s, "deviceConnectionsPerMinute");
    const report = reportFrame([usbPass()]);
    second.send(report);
    await second.ack(report.id);
  });
});

describe("POST /api/v1/enroll (unauthenticated)", () => {
  it("refuses a body larger than the unauthenticated limit with 413 naming it", async () => {
    const s = await start();
    const answer = await s.request("POST", "/api/v1/enroll", {
      body: { secret: "x".repeat(64 * 1024), hostname: "h", os: "linux", hardwareId: "x" },
    });
    expect(answer.status).toBe(413);
    expect(ErrorBody.parse(answer.body).error).toEqual({
      code: "payload_too_large",
      message: "the request body is larger than 4096 bytes",
    });
  });

  it("answers 429 before reading the body once an address used up its attempts", async () => {
    const s = await start({ enrollBurst: 1, enrollPerMinute: 1, enrollBodyLimitBytes: 1024 * 1024 });
    expect(
      (await s.request("POST", "/api/v1/enroll", { body: { secret: "wrong", hostname: "h", os: "linux", hardwareId: "x" } })).status,
    ).toBe(401);
    // Not JSON and nested: parsing it would answer 400; the limiter answers first.
    const answer = await s.request("POST", "/api/v1/enroll", {
      rawBody: "[".repeat(512 * 1024),
      headers: { "content-type": "application/json" },
    });
    expect(answer.status).toBe(429);
    expect(answer.headers.get("retry-after")).toMatch(/^\d+$/);
    await logged(s, "enrollPerMinute");
  });

  const attempt = (s: TestServer, forwardedFor: string) =>
    s.request("POST", "/api/v1/enroll", {
      body: { secret: "wrong", hostname: "h", os: "linux", hardwareId: "x" },
      headers: { "x-forwarded-for": forwardedFor },
    });

  it("counts each laptop behind a trusted load balancer (--trust-proxy) by the address it forwarded", async () => {
    server = await TestServer.start({ tuning: { enrollBurst: 1, enrollPerMinute: 1 }, trustProxy: "127.0.0.1" });
    expect((await attempt(server, "10.1.0.7")).status).toBe(401);
    const again = await attempt(server, "10.1.0.7");
    expect(again.status).toBe(429);
    expect(ErrorBody.parse(again.body).error.message).toMatch(/from 10\.1\.0\.7;/);
    // Another laptop behind the same balancer has its own attempts.
    expect((await attempt(server, "10.1.0.8")).status).toBe(401);
  });

  it("believes no X-Forwarded-For from a peer it was not told to trust: one address, one budget", async () => {
    const s = await start({ enrollBurst: 1, enrollPerMinute: 1 });
    expect((await attempt(s, "10.1.0.7")).status).toBe(401);
    expect((await attempt(s, "10.1.0.8")).status).toBe(429);
  });
});
