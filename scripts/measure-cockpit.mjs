// Times the cockpit on loopback against the real server: page load (navigation → violations page rendered with its
// true count, token already in the tab) and report → row (a report sent over the agent channel → its row on the open
// page, live). Prints the figures; run after `npm run build`: node scripts/measure-cockpit.mjs [--runs N]
import { spawn } from "node:child_process";
/* global fetch, sessionStorage -- Node 20 has fetch; the init script runs in the page */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { WebSocket } from "ws";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const runs = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 10;
const chromiumPath = process.env.COMPLIANCE_TEST_CHROMIUM ?? "/usr/bin/chromium";

const dir = await mkdtemp(path.join(tmpdir(), "cockpit-measure-"));
const server = spawn(
  process.execPath,
  [path.join(root, "server/bin/compliance-server.js"), "--listen", "127.0.0.1:0", "--data-dir", path.join(dir, "data")],
  {
    env: { ...process.env, COMPLIANCE_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  },
);
const url = await new Promise((resolve, reject) => {
  let out = "";
  const onData = (chunk) => {
    out += chunk;
    const m = /listening on (https?:\/\/\S+)/.exec(out);
    if (m) resolve(m[1].replace(/\/$/, ""));
  };
  server.stdout.on("data", onData);
  server.stderr.on("data", onData);
  server.once("exit", (code) => reject(new Error(`server exited ${code}`)));
});
const token = (await readFile(path.join(dir, "data/admin-token"), "utf8")).trim();
const secret = (await readFile(path.join(dir, "data/enroll-secret"), "utf8")).trim();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs) => `median ${median(xs).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms (${xs.length} runs)`;

const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
});
try {
  // One device with an open violation, so the page has rows to render.
  const enrolled = await (
    await fetch(`${url}/api/v1/enroll`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ secret, hostname: "measure-laptop", os: "linux", hardwareId: "hw-measure" }),
    })
  ).json();
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}/api/v1/agent`);
  const acks = new Map();
  ws.on("message", (data) => {
    const frame = JSON.parse(data.toString());
    if (frame.type === "ack") acks.get(frame.id)?.();
  });
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  ws.send(
    JSON.stringify({
      type: "hello",
      protocol: 1,
      deviceId: enrolled.deviceId,
      credential: enrolled.credential,
      agentVersion: "1.0.0",
      policyVersion: 1,
      device: { hostname: "measure-laptop", platform: "linux", agentVersion: "1.0.0" },
    }),
  );
  let n = 0;
  const report = (serials) => {
    const id = `measure-${String(++n).padStart(6, "0")}`;
    const acked = new Promise((resolve) => acks.set(id, resolve));
    ws.send(
      JSON.stringify({
        type: "report",
        id,
        observedAt: new Date().toISOString(),
        policyVersion: 1,
        results: [
          {
            check: "usb-storage",
            status: "fail",
            violations: serials.map((s) => ({ subject: s, message: `USB storage ${s} attached`, observed: s, expected: "none" })),
          },
        ],
      }),
    );
    return acked;
  };
  await new Promise((r) => setTimeout(r, 300));
  await report(["MEASURE-0"]);

  const loads = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext();
    await context.addInitScript((t) => sessionStorage.setItem("compliance.token", t), token);
    const page = await context.newPage();
    const started = performance.now();
    await page.goto(url);
    await page.locator("#page-title", { hasText: /^Violations \d+ open$/ }).waitFor();
    await page.locator("tr.violation", { hasText: "MEASURE-0" }).waitFor();
    loads.push(performance.now() - started);
    await context.close();
  }

  const context = await browser.newContext();
  await context.addInitScript((t) => sessionStorage.setItem("compliance.token", t), token);
  const page = await context.newPage();
  await page.goto(url);
  await page.locator("#live", { hasText: "live" }).waitFor();
  const rows = [];
  const serials = ["MEASURE-0"];
  for (let i = 1; i <= runs; i++) {
    serials.push(`MEASURE-${i}`);
    const started = performance.now();
    void report(serials);
    await page
      .locator("tr.violation", { hasText: `MEASURE-${i}` })
      .first()
      .waitFor();
    rows.push(performance.now() - started);
  }
  console.log(`cockpit on loopback (${url}), Chromium headless:`);
  console.log(`  page load (navigation → violations page with its count and rows): ${fmt(loads)}`);
  console.log(`  report → row on the open page (agent frame sent → row rendered, live): ${fmt(rows)}`);
  ws.close();
} finally {
  await browser.close();
  server.kill("SIGTERM");
  await new Promise((r) => server.once("exit", r));
  await rm(dir, { recursive: true, force: true });
}
