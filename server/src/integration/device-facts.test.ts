// Device facts from the hello, stored and shown on the device API; a hello without them (an older agent) keeps what was stored.
import { DeviceDetail, DeviceList, PrivacyExport } from "@wegroup/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TestAgent } from "../testing/agent-client.js";
import { TestServer } from "../testing/harness.js";
import { until } from "../testing/wait.js";

let server: TestServer;
const agents: TestAgent[] = [];
beforeEach(async () => {
  server = await TestServer.start();
});
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
  await server.stop();
});

const facts = { manufacturer: "LENOVO", model: "20XWCTO1WW", serial: "PF2ABCDE", osDistribution: "Ubuntu", osRelease: "24.04.1 LTS" };

async function factsOf(id: string): Promise<unknown> {
  return DeviceDetail.parse((await server.get(`/api/v1/devices/${id}`)).body).facts;
}

describe("device facts", () => {
  it("stores what the hello says and shows it in the device list and detail", async () => {
    const { deviceId, credential } = await server.enroll("hw-facts", "facts-laptop");
    expect(await factsOf(deviceId)).toEqual({});
    agents.push(await TestAgent.hello(server.wsUrl, deviceId, credential, { facts }));
    await until(async () => JSON.stringify(await factsOf(deviceId)) === JSON.stringify(facts), 10_000, "facts stored");
    expect(DeviceList.parse((await server.get("/api/v1/devices")).body).items[0]?.facts).toEqual(facts);
    // The right of access covers them: the device's export lists them.
    const exported = PrivacyExport.parse((await server.get(`/api/v1/privacy/export?device=${deviceId}`)).body);
    expect(exported.device).toMatchObject({
      manufacturer: "LENOVO",
      model: "20XWCTO1WW",
      serial: "PF2ABCDE",
      osDistribution: "Ubuntu",
      osRelease: "24.04.1 LTS",
    });
  });

  it("keeps the stored facts when a hello carries none, and replaces them (unknown ones cleared) when one does", async () => {
    const { deviceId, credential } = await server.enroll("hw-facts-2", "facts-laptop-2");
    const first = await TestAgent.hello(server.wsUrl, deviceId, credential, { facts });
    await until(async () => JSON.stringify(await factsOf(deviceId)) === JSON.stringify(facts), 10_000, "facts stored");
    await first.close();
    const older = await TestAgent.hello(server.wsUrl, deviceId, credential, { agentVersion: "0.0.9-no-facts" });
    agents.push(older);
    await until(
      async () => DeviceDetail.parse((await server.get(`/api/v1/devices/${deviceId}`)).body).agentVersion === "0.0.9-no-facts",
      10_000,
      "the older agent's hello",
    );
    expect(await factsOf(deviceId)).toEqual(facts);
    await older.close();
    agents.pop();
    agents.push(await TestAgent.hello(server.wsUrl, deviceId, credential, { facts: { osDistribution: "Ubuntu", osRelease: "24.10" } }));
    await until(
      async () => JSON.stringify(await factsOf(deviceId)) === JSON.stringify({ osDistribution: "Ubuntu", osRelease: "24.10" }),
      10_000,
      "facts replaced",
    );
  });

  it("refuses a hello whose facts do not validate", async () => {
    const { deviceId, credential } = await server.enroll("hw-facts-3", "facts-laptop-3");
    const agent = await TestAgent.connect(server.wsUrl);
    agents.push(agent);
    agent.send({
      type: "hello",
      protocol: 1,
      deviceId,
      credential,
      agentVersion: "1",
      policyVersion: 0,
      device: { hostname: "x", platform: "linux", agentVersion: "1" },
      facts: { serial: "x".repeat(500) },
    });
    const closed = await agent.waitClosed();
    expect(closed.code).not.toBe(1000);
    expect(await factsOf(deviceId)).toEqual({});
  });
});
