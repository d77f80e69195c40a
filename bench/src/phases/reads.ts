// The security team's pages at fleet size: the first page of each list the cockpit shows, read through the API while
// every agent is connected and the database holds what the fleet phases left (10,000 devices, ~300,000 violations).
// Each read runs on the server's event loop, which also serves the agents: its time is time every agent waits.
import { DeviceList, SoftwareList, ViolationPage } from "@wegroup/shared";
import { errorText } from "../api.js";
import { monoMs } from "../clock.js";
import { median } from "../stats.js";
import { type ProductContext, progress } from "./context.js";

export interface PageRead {
  path: string;
  medianMs: number;
  maxMs: number;
  /** What the page counts over: devices, violations, titles. */
  over: number;
}

export interface ReadsResult {
  rounds: number;
  devices: PageRead;
  violations: PageRead;
  software: PageRead;
}

/** `rounds` reads of `path` one after another; `count` checks an answer against its schema and says what the page counts over. */
async function timed(ctx: ProductContext, path: string, rounds: number, count: (body: unknown) => number): Promise<PageRead> {
  const ms: number[] = [];
  let counted = 0;
  for (let i = 0; i < rounds; i++) {
    const sentAt = monoMs();
    const answer = await ctx.api.request("GET", path);
    ms.push(monoMs() - sentAt);
    if (answer.status !== 200) throw new Error(`GET ${path}: ${errorText(answer)}`);
    counted = count(answer.body);
  }
  return { path, medianMs: median(ms), maxMs: Math.max(...ms), over: counted };
}

export async function cockpitReads(ctx: ProductContext, rounds = 5): Promise<ReadsResult> {
  progress(`cockpit reads: the first page of the device, violation and software lists (${rounds}× each)`);
  const from = monoMs();
  const devices = await timed(ctx, "/api/v1/devices?limit=50", rounds, (b) =>
    Object.values(DeviceList.parse(b).byStatus ?? {}).reduce((a, n) => a + n, 0),
  );
  const violations = await timed(ctx, "/api/v1/violations?limit=50", rounds, (b) => {
    const page = ViolationPage.parse(b);
    return page.total ?? page.items.length;
  });
  const software = await timed(ctx, "/api/v1/software", rounds, (b) => SoftwareList.parse(b).items.length);
  ctx.windows.push({ name: "cockpit reads", from, to: monoMs() });
  progress(
    `cockpit reads: devices ${devices.medianMs.toFixed(0)} ms (of ${devices.over}), violations ${violations.medianMs.toFixed(0)} ms (of ${violations.over}), software ${software.medianMs.toFixed(0)} ms (${software.over} titles)`,
  );
  return { rounds, devices, violations, software };
}
