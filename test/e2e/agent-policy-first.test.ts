// End to end: a new laptop's violations reach the feed once, judged under the server's policy, never opened under the
// agent's built-in policy and then resolved when the server's arrives.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { EventSource } from "eventsource";
import { afterEach, describe, expect, it } from "vitest";
import { CheckOutput, Policy, PolicyStored, Violation } from "@wegroup/shared";
import { linuxLaptopBundle, writeBundle } from "../support/bundles.js";
import { api, enrollAgent, eventually, runAgentCli, serverPerTest, type TestServer } from "../support/processes.js";

/** The recorded USB stick of the laptop bundle. */
const STICK = "071C395B848A2D24";

/** Subscribes to the live feed with a standard EventSource client; collects every violation event. */
function subscribe(server: TestServer): { events: Violation[]; ready: Promise<void>; close(): void } {
  const source = new EventSource(`${server.url}/api/v1/violations/stream?token=${encodeURIComponent(server.adminToken)}`);
  const events: Violation[] = [];
  source.addEventListener("violation", (e) => events.push(Violation.parse(JSON.parse(String(e.data)))));
  const ready = new Promise<void>((resolve, reject) => {
    source.onopen = () => resolve();
    source.onerror = (e) => reject(new Error(`feed error: ${String((e as { message?: string }).message)}`));
  });
  return { events, ready, close: () => source.close() };
}

/** `check:subject` of every violation `compliance-agent check` finds (exit 1: something fails). */
async function violationsOf(args: string[]): Promise<string[]> {
  const r = await runAgentCli(["check", "--json", ...args]);
  expect([0, 1], r.stderr).toContain(r.code);
  return CheckOutput.parse(JSON.parse(r.stdout))
    .results.flatMap((result) => result.violations.map((v) => `${result.check}:${v.subject}`))
    .sort();
}

describe("a new laptop on a server whose policy allows more than the agent's built-in one", () => {
  const setup = serverPerTest("wg-policy-first-");
  let feed: ReturnType<typeof subscribe> | undefined;

  afterEach(() => {
    feed?.close();
  });

  it("opens each violation once, under the server's policy, and nothing opens and then resolves", async () => {
    const { dir, server } = setup;
    const bundle = join(dir, "laptop.json");
    const state = join(dir, "agent");
    await writeBundle(bundle, linuxLaptopBundle({ hostname: "lt-new", usbStick: true, deniedSoftware: true, laxGnomeUser: true }));

    // IT's policy excepts this stick and only denies (no allowlist): more than the built-in policy allows.
    const current = (await api(server, server.adminToken, "/api/v1/policy", Policy)).body;
    const allowing = {
      ...current,
      usbStorage: { ...current.usbStorage, exceptions: [{ serial: STICK, note: "encrypted backup stick, ticket 4711" }] },
      software: { ...current.software, mode: "denylist" as const },
    };
    const put = await api(server, server.adminToken, "/api/v1/policy", PolicyStored, { method: "PUT", body: JSON.stringify(allowing) });
    expect(put.status).toBe(200);
    expect(put.body.version).toBeGreaterThanOrEqual(1);

    // What each policy makes of this laptop, from the agent's own check command.
    const policyFile = join(dir, "server-policy.json");
    await writeFile(policyFile, JSON.stringify({ ...allowing, version: put.body.version }));
    const builtIn = await violationsOf(["--replay", bundle]);
    const underServer = await violationsOf(["--policy", policyFile, "--replay", bundle]);
    expect(underServer.length).toBeGreaterThan(0);
    expect(builtIn.filter((v) => !underServer.includes(v))).toContain(`usb-storage:${STICK}`);

    feed = subscribe(server);
    await feed.ready;
    const events = feed.events;
    await enrollAgent(server, state, bundle);
    setup.runAgent(state, bundle);
    await eventually(async () => (events.length >= underServer.length ? true : undefined), 60_000, `${underServer.length} feed events`);

    // IT withdraws the exception: the push is judged again and the stick opens. This later event proves that
    // anything the agent's first reports could have caused had its chance to reach the feed before it.
    const strict = { ...allowing, usbStorage: { ...allowing.usbStorage, exceptions: [] } };
    const before = events.length;
    expect(
      (await api(server, server.adminToken, "/api/v1/policy", PolicyStored, { method: "PUT", body: JSON.stringify(strict) })).status,
    ).toBe(200);
    await eventually(
      async () => (events.slice(before).some((e) => e.check === "usb-storage") ? true : undefined),
      30_000,
      "the stick on the feed",
    );

    const seen = events.map((e) => `${e.check}:${e.subject}:${e.status}`);
    process.stdout.write(
      `feed of a new laptop: ${seen.length} events (${underServer.length} under the server's policy, built-in policy would give ${builtIn.length})\n`,
    );
    expect(seen.slice(0, -1).sort()).toEqual(underServer.map((v) => `${v}:open`));
    expect(seen.at(-1)).toBe(`usb-storage:${STICK}:open`);
    expect(events.filter((e) => e.status === "resolved")).toEqual([]);
  }, 180_000);
});
