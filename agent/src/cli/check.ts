// `compliance-agent check`: every check once, locally, no server; exit 0 pass, 1 any failure, 2 error.
import { type CheckOutput, type CheckViolation, DEFAULT_POLICY } from "@wegroup/shared";
import { runChecks } from "../checks/engine.js";
import { CHECKS } from "../checks/registry.js";
import { describeDevice } from "../device.js";
import { loadPolicyFile } from "./inputs.js";
import { machineFor } from "./machine.js";

export interface CheckOptions {
  json?: boolean;
  policy?: string;
  replay?: string;
}

export async function checkCommand(options: CheckOptions, out: (text: string) => void): Promise<number> {
  const policy = options.policy === undefined ? DEFAULT_POLICY : await loadPolicyFile(options.policy);
  const machine = await machineFor(options.replay);
  const [results, device] = await Promise.all([runChecks(CHECKS, machine.runner, policy), describeDevice(machine.runner, machine.host)]);
  const output: CheckOutput = { device, policyVersion: policy.version, results };
  out(options.json === true ? JSON.stringify(output, null, 2) : formatCheckOutput(output));
  return results.some((r) => r.status === "fail") ? 1 : 0;
}

export function formatCheckOutput(output: CheckOutput): string {
  const lines = [
    `${output.device.hostname} (${output.device.platform}${output.device.osName !== undefined ? `, ${output.device.osName} ${output.device.osVersion ?? ""}`.trimEnd() : ""}) — policy version ${output.policyVersion}`,
  ];
  for (const result of output.results) {
    lines.push(
      `${result.check.padEnd(12)} ${result.status.toUpperCase().padEnd(8)} ${summary(result.status, result.violations.length, result.reason)}`,
    );
    if (result.violations.some((v) => v.title !== undefined)) lines.push(...formatTitles(result.violations));
    else {
      for (const v of result.violations.slice(0, LISTED)) lines.push(`    - ${v.subject}: ${v.message}`);
      if (result.violations.length > LISTED) lines.push(`    … and ${result.violations.length - LISTED} more (use --json)`);
    }
  }
  return lines.join("\n");
}

const LISTED = 50;

/** Software titles grouped by verdict, denied first: "Wireshark 4.0.3 — sniffer (rule wireshark)". */
function formatTitles(violations: readonly CheckViolation[]): string[] {
  const lines: string[] = [];
  for (const [verdict, heading] of [
    ["denied", "prohibited"],
    ["unapproved", "not approved"],
  ] as const) {
    const group = violations.filter((v) => v.title?.verdict === verdict);
    if (group.length === 0) continue;
    lines.push(`  ${heading} (${group.length}):`);
    for (const v of group.slice(0, LISTED)) {
      const t = v.title;
      const versions = t !== undefined && t.versions.length > 0 ? ` ${t.versions.join(", ")}` : "";
      const category = t?.category !== undefined ? ` — ${t.category}` : "";
      const scope = t !== undefined && t.scope !== "installed" ? `, ${t.scope}` : "";
      // observed is "what; identity": the name and versions are already on the line.
      const identity = v.observed.includes("; ") ? v.observed.slice(v.observed.indexOf("; ") + 2) : v.observed;
      const sources = t !== undefined ? ` (${t.sources.join(", ")}${scope})` : "";
      lines.push(
        `    - ${t?.name ?? v.subject}${versions}${sources}${category}: ${identity}${verdict === "denied" ? ` [rule ${v.rule ?? "?"}]` : ""}`,
      );
    }
    if (group.length > LISTED) lines.push(`    … and ${group.length - LISTED} more (use --json)`);
  }
  return lines;
}

function summary(status: string, count: number, reason: string | undefined): string {
  if (status === "fail") return `${count} violation${count === 1 ? "" : "s"}${reason !== undefined ? ` (${reason})` : ""}`;
  return reason ?? "";
}
