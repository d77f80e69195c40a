// GET /metrics over a real server: promtool accepts the exposition, and each figure follows what happened (agents, reports, feed, violations, policy, webhooks).
import { spawnSync } from "node:child_process";
import { DEFAULT_POLICY, TokenCreated, ViolationPage } from "@wegroup/shared";
import { afterEach, describe, expect, it } from "vitest";
import { TestAgent } from "../testing/agent-client.js";
import { FeedClient } from "../testing/feed-client.js";
import { reportFrame, usbFail } from "../testing/frames.js";
import { TestServer } from "../testing/harness.js";
import { until } from "../testing/wait.js";
import { WebhookReceiver } from "../testing/webhook-receiver.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** promtool's verdict on an exposition (Debian package `prometheus`; .ci/run installs it). */
function promtoolCheck(text: string): { status: number | null; output: string } {
  const run = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
  if (run.error !== undefined) throw new Error(`promtool could not run (${run.error.message}): apt-get install prometheus`);
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** `name{labels} value` lines: the value of one series (labels as written by prom-client, e.g. `check="software"`). */
function sample(text: string, name: string, labels = ""): number {
  const prefix = labels === "" ? `${name} ` : `${name}{${labels}} `;
  const line = text.split("\n").find((l) => l.startsWith(prefix));
  if (line === undefined) throw new Error(`no sample ${prefix.trim()} in the exposition`);
  return Number(line.slice(prefix.length).split(" ")[0]);
}

describe("GET /metrics", () => {
  it("needs a viewer token, passes promtool, and counts agents, reports, ingest, feed clients, open violations, policy pushes and webhooks", async () => {
    const server = await TestServer.start();
    cleanups.push(() => server.stop());
    const viewer = TokenCreated.parse(
      (await server.request("POST", "/api/v1/tokens", { token: server.adminToken, body: { name: "prometheus", role: "viewer" } })).body,
    ).token;
    expect((await server.get("/metrics", null)).status).toBe(401);

    const siem = await WebhookReceiver.start();
    cleanups.push(() => siem.close());
    siem.answer = ({ count }) => (count === 1 ? 503 : 200);
    expect(
      (
        await server.request("POST", "/api/v1/webhooks", {
          token: server.adminToken,
          body: { url: siem.url, secret: "metrics-secret-0123456789", events: ["opened"] },
        })
      ).status,
    ).toBe(201);

    const feed = new FeedClient(server.url, { token: viewer });
    cleanups.push(() => feed.close());
    await feed.opened();

    const { deviceId, credential } = await server.enroll("hw-metrics", "metrics-laptop");
    const agent = await TestAgent.hello(server.wsUrl, deviceId, credential, { policyVersion: 1 });
    cleanups.push(() => agent.close());
    for (const report of [reportFrame([usbFail("M-1", "M-2")]), reportFrame([usbFail("M-1", "M-2", "M-3")])]) {
      agent.send(report);
      await agent.ack(report.id, 10_000);
    }
    // The same report again: acked, not stored twice.
    const resent = reportFrame([usbFail("M-1", "M-2", "M-3")]);
    agent.send(resent);
    await agent.ack(resent.id, 10_000);
    agent.send(resent);
    await agent.ack(resent.id, 10_000);

    const { version: _v, ...policy } = DEFAULT_POLICY;
    expect((await server.request("PUT", "/api/v1/policy", { token: server.adminToken, body: policy })).status).toBe(200);
    agent.send({ type: "policy-applied", version: 2 });
    await until(
      async () => ((await server.get("/api/v1/devices")).body as { items: { policyVersion: number }[] }).items[0]?.policyVersion === 2,
      10_000,
      "policy 2 applied",
    );
    await until(() => siem.accepted.length === 3, 10_000, "three opened events accepted by the receiver");

    const scraped = await server.get("/metrics", viewer);
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get("content-type")).toContain("text/plain");
    const text = String(scraped.body);
    const verdict = promtoolCheck(text);
    expect(verdict.output).toBe("");
    expect(verdict.status).toBe(0);

    const open = ViolationPage.parse((await server.get("/api/v1/violations?status=open&check=usb-storage")).body).items.length;
    expect(open).toBe(3);
    expect(sample(text, "compliance_violations_open", 'check="usb-storage"')).toBe(open);
    expect(sample(text, "compliance_violations_open", 'check="software"')).toBe(0);
    expect(sample(text, "compliance_agents_connected")).toBe(1);
    expect(sample(text, "compliance_agent_hellos_total")).toBe(1);
    expect(sample(text, "compliance_reports_acked_total")).toBe(4);
    expect(sample(text, "compliance_reports_stored_total")).toBe(3);
    expect(sample(text, "compliance_report_ack_seconds_count")).toBe(4);
    expect(sample(text, "compliance_ingest_batch_items_sum")).toBeGreaterThanOrEqual(4);
    expect(sample(text, "compliance_ingest_batch_seconds_count")).toBe(sample(text, "compliance_ingest_batch_items_count"));
    expect(sample(text, "compliance_feed_clients")).toBe(1);
    expect(sample(text, "compliance_policy_version")).toBe(2);
    expect(sample(text, "compliance_policy_pushes_total")).toBe(1);
    expect(sample(text, "compliance_policy_push_agents_total")).toBe(1);
    expect(sample(text, "compliance_policy_applied_total")).toBe(1);
    expect(sample(text, "compliance_devices_policy_current")).toBe(1);
    expect(sample(text, "compliance_webhook_deliveries_total")).toBe(3);
    expect(sample(text, "compliance_webhook_failures_total")).toBe(1);
    expect(sample(text, "nodejs_eventloop_lag_seconds")).toBeGreaterThanOrEqual(0);
  });

  it("answers without a token when the server runs with --metrics-public", async () => {
    const server = await TestServer.start({ metricsPublic: true });
    cleanups.push(() => server.stop());
    const scraped = await server.get("/metrics", null);
    expect(scraped.status).toBe(200);
    expect(promtoolCheck(String(scraped.body)).status).toBe(0);
    expect(sample(String(scraped.body), "compliance_agents_connected")).toBe(0);
  });
});
