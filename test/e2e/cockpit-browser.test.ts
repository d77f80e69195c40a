// The cockpit in a real browser (Debian's Chromium through playwright-core) against the real server process and real
// agents replaying a recorded laptop: what the Tests ask, each page's screenshot written with its text asserted.
import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  AGENT_CHANNEL_PATH,
  DeviceList,
  EnrollResponse,
  Policy,
  PolicyHistory,
  PolicyRollout,
  PolicyStored,
  SessionInfo,
  SoftwareList,
  TokenCreated,
  ViolationPage,
} from "@wegroup/shared";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { WebSocket } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { linuxLaptopBundle, writeBundle } from "../support/bundles.js";
import {
  api,
  enrollAgent,
  eventually,
  removeDir,
  ROOT,
  runAgent,
  type RunningProcess,
  startServer,
  tempDir,
  type TestServer,
} from "../support/processes.js";

/** Debian's `chromium` package; CI installs it (apt-get install -y chromium). */
const CHROMIUM = process.env.COMPLIANCE_TEST_CHROMIUM ?? "/usr/bin/chromium";
const SHOTS = join(ROOT, "docs", "screenshots");
const AXE = fileURLToPath(new URL("../../node_modules/axe-core/axe.min.js", import.meta.url));

let dir: string;
let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const agents: RunningProcess[] = [];
/** The title IT approves: one of the recorded laptop's own Debian packages, unapproved once Debian's archive is not allowed. */
const APPROVED = "adduser";
const tokens: Record<"viewer" | "security" | "admin", string> = { viewer: "", security: "", admin: "" };

beforeAll(async () => {
  await access(CHROMIUM).catch(() => {
    throw new Error(`no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) or set COMPLIANCE_TEST_CHROMIUM`);
  });
  dir = await tempDir("wg-cockpit-");
  server = await startServer({ dataDir: join(dir, "server") });
  tokens.admin = server.adminToken;
  for (const [name, role] of [
    ["Sam Viewer (helpdesk)", "viewer"],
    ["Dana Weiss (security)", "security"],
  ] as const) {
    const created = await api(server, server.adminToken, "/api/v1/tokens", TokenCreated, {
      method: "POST",
      body: JSON.stringify({ name, role }),
    });
    tokens[role] = created.body.token;
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
  });
}, 60_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  for (const a of agents) await a.stop();
  await server?.stop();
  await removeDir(dir);
});

/** A fresh browser profile (its own sessionStorage) signed in with `token`. */
async function signedIn(role: keyof typeof tokens, width = 1280): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  (page as Page & { errors?: string[] }).errors = errors;
  await page.goto(server.url);
  await page.getByLabel("API token").fill(tokens[role]);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText("Signed in as").waitFor();
  return page;
}

async function startAgent(
  hostname: string,
  bundleOptions: Partial<Parameters<typeof linuxLaptopBundle>[0]> = {},
): Promise<{ state: string; bundle: string; proc: RunningProcess }> {
  const bundle = join(dir, `${hostname}.json`);
  const state = join(dir, hostname);
  await writeBundle(bundle, linuxLaptopBundle({ hostname, usbStick: false, deniedSoftware: false, ...bundleOptions }));
  await enrollAgent(server, state, bundle);
  const proc = runAgent(state, bundle);
  agents.push(proc);
  return { state, bundle, proc };
}

/** A device that reports `serials` USB sticks over the agent channel (enough violations for the count test, fast). */
async function reportSticks(hostname: string, serials: readonly string[]): Promise<void> {
  // Judged by the policy the server runs now (a report judged by an older one is stored, not applied).
  const { version } = (await api(server, tokens.admin, "/api/v1/policy", Policy)).body;
  const res = await fetch(`${server.url}/api/v1/enroll`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ secret: server.enrollSecret, hostname, os: "linux", hardwareId: `hw-${hostname}` }),
  });
  const { deviceId, credential } = EnrollResponse.parse(await res.json());
  const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}${AGENT_CHANNEL_PATH}`);
  const frames: { type: string; id?: string }[] = [];
  ws.on("message", (data: Buffer) => frames.push(JSON.parse(data.toString()) as { type: string }));
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  ws.send(
    JSON.stringify({
      type: "hello",
      protocol: 1,
      deviceId,
      credential,
      agentVersion: "1.0.0",
      policyVersion: version,
      device: { hostname, platform: "linux", agentVersion: "1.0.0" },
    }),
  );
  await eventually(async () => (frames.some((f) => f.type === "welcome") ? true : undefined), 10_000, "welcome");
  const id = `rep-${hostname}-0001`;
  ws.send(
    JSON.stringify({
      type: "report",
      id,
      observedAt: new Date().toISOString(),
      policyVersion: version,
      results: [
        {
          check: "usb-storage",
          status: "fail",
          violations: serials.map((s) => ({
            subject: s,
            message: `USB storage device ${s} attached`,
            observed: s,
            expected: "no USB storage",
          })),
        },
      ],
    }),
  );
  await eventually(async () => (frames.some((f) => f.type === "ack" && f.id === id) ? true : undefined), 20_000, "ack");
  ws.close();
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
}

async function axe(page: Page): Promise<{ id: string; impact: string; nodes: number }[]> {
  // Evaluated over the DevTools protocol: the page's strict CSP (script-src 'self') stays as it is.
  await page.evaluate(await readFile(AXE, "utf8"));
  return page.evaluate(async () => {
    const result = await (
      globalThis as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } }
    ).axe.run();
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
  });
}

describe("the cockpit in Chromium", () => {
  it("shows a violation a replayed agent opens on the open page without a reload, live", async () => {
    const page = await signedIn("security");
    await page.locator("#live", { hasText: "live" }).waitFor();
    await startAgent("lt-0042", { usbStick: true, deniedSoftware: true });
    const row = page.locator("tr.violation", { hasText: "071C395B848A2D24" });
    await row.waitFor({ timeout: 30_000 });
    await page.locator("tr.violation", { hasText: "nmap" }).waitFor({ timeout: 30_000 });
    expect(await row.locator("td").nth(0).textContent()).toBe("lt-0042");
    expect(await row.locator("td").nth(2).textContent()).toBe("open");
    // Denied titles lead: the software group comes first, nmap marked denied.
    expect(await page.locator("section.group h3").first().textContent()).toMatch(/^Software \d+$/);
    expect(await page.locator("tr.violation.denied", { hasText: "nmap" }).count()).toBe(1);
    await shot(page, "violations");
    expect((page as Page & { errors?: string[] }).errors).toEqual([]);
  }, 90_000);

  it("lets the security role grant an exemption from a violation row, which turns exempted; a viewer sees no such control", async () => {
    const viewer = await signedIn("viewer");
    await viewer.locator("tr.violation", { hasText: "nmap" }).waitFor({ timeout: 30_000 });
    expect(await viewer.locator("button.exempt").count()).toBe(0);
    expect(await viewer.locator("button.end-exemption").count()).toBe(0);
    expect(await viewer.getByRole("link", { name: "Tokens" }).count()).toBe(0);

    const page = await signedIn("security");
    const row = page.locator("tr.violation", { hasText: "tcpdump" });
    await row.waitFor({ timeout: 30_000 });
    await row.getByRole("button", { name: "Exempt…" }).click();
    const form = page.getByRole("form", { name: "Exempt tcpdump on lt-0042" });
    expect(await form.textContent()).toContain("Approver: Dana Weiss (security) (your token)");
    await form.getByLabel("Reason (the written consent)").fill("network team packet captures, SEC-118");
    await form.getByRole("button", { name: "Grant exemption" }).click();
    await page.locator("tr.violation.violation-exempted", { hasText: "tcpdump" }).waitFor({ timeout: 10_000 });
    await expect
      .poll(async () => page.locator("tr.violation", { hasText: "tcpdump" }).locator("td").nth(2).textContent(), { timeout: 10_000 })
      .toMatch(/^exempted by Dana Weiss \(security\) until .+: network team packet captures, SEC-118$/);
    await page.locator("#live", { hasText: "live" }).waitFor();
    expect(await page.locator("tr.violation", { hasText: "tcpdump" }).count()).toBe(1);
    const exempted = await api(server, tokens.viewer, "/api/v1/violations?status=exempted", ViolationPage);
    expect(exempted.body.items.map((v) => [v.subject, v.exemption?.approvedBy])).toEqual([["tcpdump", "Dana Weiss (security)"]]);
  }, 90_000);

  it("shows the schema's message for an invalid rule and saves nothing", async () => {
    const before = await api(server, tokens.admin, "/api/v1/policy/history", PolicyHistory);
    const page = await signedIn("admin");
    await page.getByRole("link", { name: "Policy" }).click();
    await page.locator("#rows-deny").waitFor();
    await page.locator("#add-deny").click();
    const rows = await page.locator("#rows-deny tbody tr").count();
    await page.getByLabel(`Name pattern of deny rules row ${rows}`).fill("john*");
    await page.getByLabel(`Version range of deny rules row ${rows}`).fill("soon");
    const validation = page.locator("#validation");
    await validation.getByText("expected a version range").waitFor();
    expect(await validation.textContent()).toBe(
      `software.deny.${rows - 1}.version: expected a version range such as ">=1.2 <2.0" (operators >=, >, <=, <, =, !=)`,
    );
    expect(await page.getByLabel(`Version range of deny rules row ${rows}`).getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("#save-policy").isDisabled()).toBe(true);
    expect(await page.locator("#diff").textContent()).toContain("added: deny rule john*");
    await shot(page, "policy-editor-invalid");
    const after = await api(server, tokens.admin, "/api/v1/policy/history", PolicyHistory);
    expect(after.body.items.map((h) => h.version)).toEqual(before.body.items.map((h) => h.version));
  }, 60_000);

  it("lets IT approve a title from the software view: the agent applies it, the violation resolves, the rollout reaches 1/1 and a stopped agent shows as pending", async () => {
    const stopped = await startAgent("lt-stopped");
    await eventually(
      async () => {
        const d = await api(server, tokens.admin, "/api/v1/devices?q=lt-stopped", DeviceList);
        return d.body.items[0]?.policyVersion === 1 ? true : undefined;
      },
      30_000,
      "lt-stopped on v1",
    );
    await stopped.proc.stop();
    // Debian's archive no longer approved: the laptop's own titles become unapproved.
    const current = await api(server, tokens.admin, "/api/v1/policy", Policy);
    const { version: _v, ...document } = current.body;
    const stricter = {
      ...document,
      software: { ...document.software, allow: document.software.allow.filter((r) => r.id !== "os-archive") },
    };
    await api(server, tokens.admin, "/api/v1/policy", PolicyStored, { method: "PUT", body: JSON.stringify(stricter) });
    const unapproved = await eventually(
      async () => {
        const list = await api(server, tokens.admin, "/api/v1/software?status=unapproved", SoftwareList);
        return list.body.items.some((t) => t.key === APPROVED) ? list.body.items : undefined;
      },
      30_000,
      `${APPROVED} unapproved`,
    );
    const title = unapproved.find((t) => t.key === APPROVED);
    expect(title).toMatchObject({ devices: 1 });

    const adminName = (await api(server, tokens.admin, "/api/v1/session", SessionInfo)).body.name;
    const page = await signedIn("admin");
    await page.getByRole("link", { name: "Software" }).click();
    const row = page.locator("#software tr", { hasText: APPROVED });
    await row.waitFor();
    await shot(page, "software");
    await row.getByRole("button", { name: "Approve" }).click();
    await page
      .getByText(
        /approved( by its verified identity| \(by its key alone: the fleet verified no identity for it\)): stored as policy v\d+ and pushed to every connected device/,
      )
      .waitFor();
    const approvedRule = (await api(server, tokens.admin, "/api/v1/policy", Policy)).body.software.allow.find(
      (r) => r.id === `allow-${APPROVED}`,
    );
    // By the identity the fleet verified for it, never by a name alone when an identity is known.
    expect(approvedRule).toEqual({
      id: `allow-${APPROVED}`,
      name: APPROVED,
      ...title?.identity,
      reason: `approved in the software view by ${adminName}`,
    });

    await eventually(
      async () => {
        const v = await api(server, tokens.admin, `/api/v1/violations?status=resolved&subject=${APPROVED}`, ViolationPage);
        return v.body.total === 1 ? true : undefined;
      },
      30_000,
      `the ${APPROVED} violation resolved`,
    );
    await page.getByRole("link", { name: "Policy" }).click();
    const line = page.locator("#rollout-line");
    await line.getByText("1/1").waitFor({ timeout: 30_000 });
    const latest = (await api(server, tokens.admin, "/api/v1/policy/rollout", PolicyRollout)).body.latestVersion;
    expect(await line.textContent()).toBe(`1/1 connected devices run v${latest}. 1 offline pending.`);
    expect(await page.locator("#rollout-offline").textContent()).toBe("Pending, offline: lt-stopped (v1)");
    await shot(page, "policy-editor");
  }, 120_000);

  it("previews a new deny rule on the connected device it would hit, and nothing changes on that device", async () => {
    const before = (await api(server, tokens.admin, "/api/v1/policy/rollout", PolicyRollout)).body.latestVersion;
    const page = await signedIn("admin");
    await page.getByRole("link", { name: "Policy" }).click();
    await page.locator("#add-deny").click();
    const rows = await page.locator("#rows-deny tbody tr").count();
    await page.getByLabel(`Rule id of deny rules row ${rows}`).fill("no-adduser");
    await page.getByLabel(`Name pattern of deny rules row ${rows}`).fill(APPROVED);
    await page.locator("#validation", { hasText: "The policy is valid." }).waitFor();
    await page.locator("#preview-policy").click();
    const preview = page.locator("#preview");
    await preview.waitFor({ timeout: 15_000 });
    expect(await preview.locator("h4").textContent()).toBe("Preview: judged by 1 connected device(s), 1 not previewed");
    expect(await preview.locator("li").allTextContents()).toContain(`${APPROVED} (software) on lt-0042`);
    await shot(page, "policy-preview");
    // Judged aside: no new version, the device still runs the current one, and nothing opened for the title.
    await new Promise((r) => setTimeout(r, 2_000));
    const rollout = (await api(server, tokens.admin, "/api/v1/policy/rollout", PolicyRollout)).body;
    expect(rollout.latestVersion).toBe(before);
    expect(rollout.versions.find((v) => v.version === before)?.devices).toBe(1);
    const open = await api(server, tokens.admin, `/api/v1/violations?status=open&subject=${APPROVED}`, ViolationPage);
    expect(open.body.total).toBe(0);
  }, 60_000);

  it("has no serious axe-core findings on any page, and every page's screenshot shows its content", async () => {
    const page = await signedIn("admin");
    const device = (await api(server, tokens.admin, "/api/v1/devices?q=lt-0042", DeviceList)).body.items[0];
    const pages: [string, string, RegExp][] = [
      ["violations", "#/violations", /Violations \d+ open/],
      ["devices", "#/devices", /lt-0042/],
      ["device", `#/devices/${device?.id ?? ""}`, /Agent health.*What the agent did/s],
      ["software", "#/software", /Software titles/],
      ["policy", "#/policy", /Rollout of v\d+/],
      ["exemptions", "#/exemptions", /network team packet captures, SEC-118/],
      ["audit", "#/audit", /exemption\.create/],
      ["tokens", "#/tokens", /Dana Weiss \(security\)/],
    ];
    for (const [name, hash, text] of pages) {
      await page.goto(`${server.url}/${hash}`);
      await page.locator("#page-title").waitFor();
      await expect.poll(async () => (await page.locator("main").textContent()) ?? "", { timeout: 10_000 }).toMatch(text);
      expect(await axe(page), name).toEqual([]);
      await shot(page, `page-${name}`);
    }
    const phone = await signedIn("security", 375);
    await phone.locator("tr.violation", { hasText: "nmap" }).waitFor({ timeout: 30_000 });
    const width = Number(await phone.evaluate("document.documentElement.scrollWidth"));
    expect(width).toBeLessThanOrEqual(375);
    expect(await axe(phone)).toEqual([]);
    await shot(phone, "violations-375px");
    expect((page as Page & { errors?: string[] }).errors).toEqual([]);
  }, 120_000);

  it("counts more than 1,000 open violations truly, and keeps the token out of every URL and the server's log", async () => {
    for (const host of ["fleet-a", "fleet-b", "fleet-c"])
      await reportSticks(
        host,
        Array.from({ length: 400 }, (_, i) => `${host}-STICK-${String(i).padStart(4, "0")}`),
      );
    const page = await signedIn("viewer");
    const heading = page.locator("#page-title");
    await heading.getByText(/^Violations \d+ open$/).waitFor();
    const total = (await api(server, tokens.viewer, "/api/v1/violations?status=open&limit=1", ViolationPage)).body.total ?? 0;
    expect(total).toBeGreaterThan(1_200);
    expect(await heading.textContent()).toBe(`Violations ${total} open`);
    expect(await page.locator('.count[data-check="usb-storage"]').textContent()).toBe(String(1_201));
    expect(await page.getByRole("button", { name: /Show more \(200 of \d+ shown\)/ }).count()).toBe(1);
    expect(page.url()).not.toContain(tokens.viewer);
    expect(server.process.output()).not.toContain(tokens.viewer);
  }, 120_000);
});
