// What the running service tells `compliance-agent status`: written to the state dir on every change.
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { CheckStatus, AgentCheckId } from "@wegroup/shared";
import { writeFileAtomically } from "../state/files.js";

export const ServiceStatus = z.object({
  pid: z.number().int(),
  startedAt: z.string(),
  updatedAt: z.string(),
  mode: z.enum(["live", "replay"]),
  serverUrl: z.string(),
  deviceId: z.string(),
  connection: z.enum(["connecting", "connected", "waiting", "stopped"]),
  connectionDetail: z.string().optional(),
  connectedSince: z.string().nullable(),
  lastReport: z
    .object({ id: z.string(), observedAt: z.string(), sentAt: z.string().nullable(), ackedAt: z.string().nullable() })
    .nullable(),
  queuedReports: z.number().int(),
  policyVersion: z.number().int(),
  results: z.array(
    z.object({ check: AgentCheckId, status: CheckStatus, violations: z.number().int(), reason: z.string().optional(), observedAt: z.string() }),
  ),
});
export type ServiceStatus = z.infer<typeof ServiceStatus>;

export async function readServiceStatus(path: string): Promise<ServiceStatus | undefined> {
  try {
    const parsed = ServiceStatus.safeParse(JSON.parse(await readFile(path, "utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function writeServiceStatus(path: string, status: ServiceStatus): Promise<void> {
  // Rewritten on every ack: atomic, but not worth an fsync — after a crash the service writes it anew.
  return writeFileAtomically(path, `${JSON.stringify(status, null, 2)}\n`, 0o644);
}
