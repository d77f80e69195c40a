// `compliance-agent check`: every check once, locally, no server; exit 0 pass, 1 any failure, 2 error.
import { type CheckOutput, DEFAULT_POLICY } from "@wegroup/shared";
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
  const lines = [`${output.device.hostname} (${output.device.platform}${output.device.osName !== undefined ? `, ${output.device.osName} ${output.device.osVersion ?? ""}`.trimEnd() : ""}) — policy version ${output.policyVersion}`];
  for (const result of output.results) {
    lines.push(`${result.check.padEnd(12)} ${result.status.toUpperCase().padEnd(8)} ${summary(result.status, result.violations.length, result.reason)}`);
    for (const v of result.violations.slice(0, 50)) lines.push(`    - ${v.subject}: ${v.message}`);
    if (result.violations.length > 50) lines.push(`    … and ${result.violations.length - 50} more (use --json)`);
  }
  return lines.join("\n");
}

function summary(status: string, count: number, reason: string | undefined): string {
  if (status === "fail") return `${count} violation${count === 1 ? "" : "s"}${reason !== undefined ? ` (${reason})` : ""}`;
  return reason ?? "";
}
