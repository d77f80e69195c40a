// `compliance-agent collect --out BUNDLE`: records everything the collectors read here into one support bundle.
import { DEFAULT_POLICY } from "@wegroup/shared";
import { runChecks } from "../checks/engine.js";
import { CHECKS } from "../checks/registry.js";
import { describeDevice } from "../device.js";
import { readDeviceFacts } from "../host/device-facts.js";
import { readBootId } from "../platform/presence.js";
import { RecordingRunner } from "../runner/recording.js";
import { writeFileDurably } from "../state/files.js";
import { liveMachine } from "./machine.js";

export async function collectCommand(options: { out: string }, out: (text: string) => void, now: () => Date): Promise<number> {
  const machine = liveMachine();
  const recorder = new RecordingRunner(machine.runner);
  // Running the checks is what makes the collectors read; the verdicts are printed as a hint only. The boot id and the
  // device facts (systeminformation's answers) go in too: `run --replay` of the bundle says them in its hello, as the laptop's agent does.
  const [results] = await Promise.all([
    runChecks(CHECKS, recorder, DEFAULT_POLICY),
    describeDevice(recorder, machine.host),
    readBootId(recorder),
    readDeviceFacts(recorder),
  ]);
  const bundle = recorder.bundle(machine.host.hostname, now());
  await writeFileDurably(options.out, `${JSON.stringify(bundle, null, 2)}\n`, 0o600);
  out(`wrote ${bundle.commands.length} command outputs and ${bundle.files.length} files to ${options.out}`);
  out(`replay it anywhere with: compliance-agent check --replay ${options.out}`);
  for (const r of results) out(`  ${r.check}: ${r.status}${r.reason !== undefined ? ` (${r.reason})` : ""}`);
  return 0;
}
