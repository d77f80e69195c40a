// Where the agent keeps its state, per platform; read once by the composition root.
import { join } from "node:path";
import type { Platform } from "@wegroup/shared";

export function defaultStateDir(platform: Platform, env: NodeJS.ProcessEnv): string {
  const override = env.COMPLIANCE_AGENT_STATE_DIR;
  if (override !== undefined && override !== "") return override;
  if (platform === "darwin") return "/Library/Application Support/ComplianceAgent";
  if (platform === "win32") return join(env.ProgramData ?? "C:\\ProgramData", "ComplianceAgent");
  return "/var/lib/compliance-agent";
}

/** The files of the state dir, in one place. */
export function statePaths(stateDir: string) {
  return Object.freeze({
    dir: stateDir,
    enrollment: join(stateDir, "enrollment.json"),
    deviceKey: join(stateDir, "device-key.pem"),
    policy: join(stateDir, "policy.json"),
    status: join(stateDir, "status.json"),
    outbox: join(stateDir, "outbox"),
    /** How this run goes (boot, start, last alive, goodbye): the next run tells the server. */
    runRecord: join(stateDir, "run.json"),
    /** One word the package scripts leave before they stop the service (uninstall, upgrade). */
    goodbyeReason: join(stateDir, "goodbye-reason"),
  });
}
export type StatePaths = ReturnType<typeof statePaths>;
