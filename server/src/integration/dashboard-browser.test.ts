// The dashboard in a real browser (Chromium via playwright-core) against the real server process: sign in, watch a violation arrive live, exempt it.
import { access, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { AGENT_CHANNEL_PATH, type EnrollResponse } from "@wegroup/shared";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TestAgent } from "../testing/agent-client.js";
import { reportFrame } from "../testing/frames.js";
import { until } from "../testing/wait.js";
import { buildServer, ServerProcess } from "../testing/process.js";

/** Debian's `chromium` package; CI installs it (apt-get install -y chromium). */
const CHROMIUM = process.env.COMPLIANCE_TEST_CHROMIUM ?? "/usr/bin/chromium";

let root: string;
let server: ServerProcess;
let url: string;
let browser: Browser;
let page: Page;
const agents: TestAgent[] = [];
const consoleErrors: string[] = [];

beforeAll(async () => {
  await access(CHROMIUM).catch(() => {
    throw new Error(`no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) or set COMPLIANCE_TEST_CHROMIUM`);
  });
  await buildServer();
});
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "compliance-browser-"));
  server = ServerProcess.start(["--listen", "127.0.0.1:0", "--data-dir", path.join(root, "data")], { cwd: root });
  url = await server.listening();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"] });
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  consoleErrors.length = 0;
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(e.message));
});
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
  await browser?.close();
  await server?.stop();
  await rm(root, { recursive: true, force: true });
});

const secretFile = (name: string) => readFile(path.join(root, "data", name), "utf8").then((s) => s.trim());

async function reportingAgent(hostname: string): Promise<{ deviceId: string; agent: TestAgent }> {
  const res = await fetch(`${url}/api/v1/enroll`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ secret: await secretFile("enroll-secret"), hostname, os: "linux", hardwareId: `hw-${hostname}` }) });
  const { deviceId, credential } = (await res.json()) as EnrollResponse;
  const agent = await TestAgent.hello(`${url.replace(/^http/, "ws")}${AGENT_CHANNEL_PATH}`, deviceId, credential, { agentVersion: "1.0.0", device: { hostname, platform: "linux", agentVersion: "1.0.0" } });
  agents.push(agent);
  return { deviceId, agent };
}

async function signIn(): Promise<void> {
  await page.goto(url);
  await page.fill("#token", await secretFile("admin-token"));
  await page.click("#sign-in button[type=submit]");
  await page.locator("#live", { hasText: "live" }).waitFor({ timeout: 10_000 });
  expect(await page.locator("#sign-in").isVisible()).toBe(false);
  expect(await page.locator("#content").isVisible()).toBe(true);
}

describe("dashboard in Chromium", () => {
  it("shows a violation an agent reports on the live feed at once, and its exemption, as text only", async () => {
    await signIn();
    const { deviceId, agent } = await reportingAgent("browser-laptop");
    const hostile = "<img src=x onerror=alert(1)>";
    const report = reportFrame([{ check: "usb-storage", status: "fail", violations: [{ subject: "BROWSER-USB-1", message: `USB drive ${hostile} attached`, observed: "SanDisk", expected: "none" }] }]);
    agent.send(report);
    await agent.ack(report.id);

    const feedRow = page.locator("#feed tbody tr", { hasText: "BROWSER-USB-1" });
    await feedRow.waitFor({ timeout: 10_000 });
    expect(await feedRow.locator("td").allTextContents()).toEqual([expect.any(String), "open", "browser-laptop", "usb-storage", "BROWSER-USB-1", `USB drive ${hostile} attached`]);
    await page.locator("#violations tbody tr", { hasText: "BROWSER-USB-1" }).waitFor({ timeout: 10_000 });
    await page.locator("#devices tbody tr.status-noncompliant", { hasText: "browser-laptop" }).waitFor({ timeout: 10_000 });
    expect(await page.locator("#rollout").textContent()).toBe("Policy v1 — 1 on v1; every connected device runs it.");
    expect(await page.locator("img").count()).toBe(0); // the message stayed text

    const created = await fetch(`${url}/api/v1/exemptions`, {
      method: "POST",
      headers: { authorization: `Bearer ${await secretFile("admin-token")}`, "content-type": "application/json" },
      body: JSON.stringify({ device: deviceId, check: "usb-storage", subject: "BROWSER-USB-*", reason: "audit backup", approvedBy: "CISO", expiresAt: "2099-01-01T00:00:00Z" }),
    });
    expect(created.status).toBe(201);
    await page.locator("#feed tbody tr", { hasText: "exempted" }).waitFor({ timeout: 10_000 });
    await page.locator("#violations tbody tr.violation-exempted", { hasText: "BROWSER-USB-1" }).waitFor({ timeout: 10_000 });
    await page.locator("#devices tbody tr.status-compliant", { hasText: "browser-laptop" }).waitFor({ timeout: 10_000 });

    // What the security team reads once it settled: the feed's two events, newest first; the exempted violation; the device.
    const cells = async (selector: string) => Promise.all((await page.locator(selector).all()).map((r) => r.locator("td").allTextContents()));
    expect((await cells("#feed tbody tr")).map((r) => r.slice(1, 5))).toEqual([
      ["exempted", "browser-laptop", "usb-storage", "BROWSER-USB-1"],
      ["open", "browser-laptop", "usb-storage", "BROWSER-USB-1"],
    ]);
    expect(await cells("#violations tbody tr")).toEqual([
      ["browser-laptop", "usb-storage", "BROWSER-USB-1", "exempted", `USB drive ${hostile} attached`, expect.any(String), expect.any(String)],
    ]);
    expect(await page.locator("#violation-count").textContent()).toBe("(0 open, 1 exempted)");
    expect(await cells("#devices tbody tr")).toEqual([["browser-laptop", "linux", "compliant", "0", "v1", "1.0.0", expect.not.stringMatching(/^never$/)]]);
    expect(await page.locator("#device-count").textContent()).toBe("(1)");
    expect(await page.locator("#status").textContent()).toMatch(/^updated /);
    expect(consoleErrors).toEqual([]);
  });

  it("keeps the token out of the server log although the feed carries it in its URL", async () => {
    await signIn();
    const token = await secretFile("admin-token");
    // The server writes the line when the stream opens; under load it lands a moment after the page does.
    await until(() => server.stdout.includes("live-feed client connected"), 10_000, "the live-feed connection log line");
    expect(server.stdout).toContain("token=[redacted]");
    expect(server.stdout).not.toContain(token);
  });
});
