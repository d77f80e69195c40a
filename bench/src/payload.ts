// The realistic payload: the real agent's full-state results on a demo inventory (hundreds of titles judged, tens of
// violations), obtained once by running the built agent, then varied per simulated agent so that the rows differ.
import { execFile } from "node:child_process";
import path from "node:path";
import { CheckOutput, type CheckResult, MAX_FRAME_BYTES, ReportFrame } from "@wegroup/shared";
import { AGENT_BIN, BUNDLES_DIR } from "./paths.js";
import { reportFrame } from "./reports.js";

/** The demo laptop whose software result is real-sized: 477 titles judged, 36 failing (1 denied, 35 not approved). */
export const PAYLOAD_BUNDLE = "demo-mac.json";

export interface Payload {
  bundle: string;
  /** Every check's result as `compliance-agent check --replay … --json` printed it. */
  results: CheckResult[];
  /** Software titles the agent judged (from the software check's reason), null if it did not say. */
  titles: number | null;
  /** Violations in the unvaried results (the most any agent reports). */
  violations: number;
  /** Bytes of the largest report frame an agent sends with it (the unvaried results). */
  maxFrameBytes: number;
}

/** Runs the built agent once on the demo bundle (no server) and checks that its report fits in one frame. */
export async function loadPayload(bundle = PAYLOAD_BUNDLE): Promise<Payload> {
  const file = path.join(BUNDLES_DIR, bundle);
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      [AGENT_BIN, "check", "--replay", file, "--json"],
      { timeout: 60_000, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" },
      (error, out, err) => {
        // Exit 1 means "a check failed", which is the point of a demo bundle; anything else did not run.
        if (error !== null && error.code !== 1) reject(new Error(`compliance-agent check --replay ${bundle}: ${error.message} ${err}`));
        else resolve(out);
      },
    );
  });
  const output = CheckOutput.parse(JSON.parse(stdout));
  const software = output.results.find((r) => r.check === "software");
  const titles = /^(\d+) titles:/.exec(software?.reason ?? "")?.[1];
  // The frame as a simulated agent sends it, validated by the protocol's own schema.
  const frame = ReportFrame.parse(reportFrame("0190a000-0000-7000-8000-000000000000", new Date(), 2_147_483_647, output.results));
  const maxFrameBytes = Buffer.byteLength(JSON.stringify(frame));
  if (maxFrameBytes > MAX_FRAME_BYTES)
    throw new Error(`the ${bundle} report is ${maxFrameBytes} bytes, over the protocol's MAX_FRAME_BYTES (${MAX_FRAME_BYTES})`);
  return {
    bundle,
    results: output.results,
    titles: titles === undefined ? null : Number(titles),
    violations: output.results.reduce((n, r) => n + r.violations.length, 0),
    maxFrameBytes,
  };
}

/**
 * One agent's copy: every denied title, about four in five of the unapproved ones (which, depends on the agent and
 * the title), its own USB stick serial; the same for the same agent every time, so repeated full-state reports
 * are a steady state (nothing opens or resolves after the first).
 */
export function variedResults(base: readonly CheckResult[], agentIndex: number): CheckResult[] {
  return base.map((result) => {
    switch (result.check) {
      case "software":
        return {
          ...result,
          violations: result.violations.filter((v) => v.title?.verdict !== "unapproved" || hash(`${agentIndex}:${v.subject}`) % 5 !== 0),
        };
      case "usb-storage":
        return { ...result, violations: result.violations.map((v) => ({ ...v, subject: `${v.subject}-${agentIndex.toString(16)}` })) };
      case "screen-lock":
        return result;
    }
  });
}

/** FNV-1a, 32 bits: a stable choice per (agent, title), not a secret. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
