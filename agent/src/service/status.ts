// What the running service tells `compliance-agent status`: written to the state dir on every change.
import { chmod, readFile, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import { CheckStatus, AgentCheckId, describeZodError } from "@wegroup/shared";
import { ShownNotification } from "../notify/notifier.js";
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
    z.object({
      check: AgentCheckId,
      status: CheckStatus,
      violations: z.number().int(),
      reason: z.string().optional(),
      observedAt: z.string(),
      /** Each current violation with what to do about it (the same words as the desktop notification). */
      details: z.array(z.object({ subject: z.string(), message: z.string(), fix: z.string() })).optional(),
    }),
  ),
  /** The latest desktop notifications given to the person at the laptop. */
  notifications: z.array(ShownNotification).optional(),
});
export type ServiceStatus = z.infer<typeof ServiceStatus>;

export async function readServiceStatus(path: string): Promise<ServiceStatus | undefined> {
  const read = await readServiceStatusFile(path);
  return read.kind === "ok" ? read.status : undefined;
}

/** The status file, absent, or damaged with what to do about it (the service rewrites it on every change). */
export async function readServiceStatusFile(
  path: string,
): Promise<{ kind: "ok"; status: ServiceStatus } | { kind: "absent" } | { kind: "damaged"; problem: string }> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { kind: "absent" };
    return {
      kind: "damaged",
      problem: `cannot read ${path} (${code ?? String(error)}); run as root (Administrator on Windows) or fix the state dir's permissions`,
    };
  }
  let problem: string;
  try {
    const parsed = ServiceStatus.safeParse(JSON.parse(text));
    if (parsed.success) return { kind: "ok", status: parsed.data };
    problem = describeZodError(parsed.error);
  } catch (error) {
    problem = `not JSON: ${(error as Error).message}`;
  }
  return {
    kind: "damaged",
    problem: `${path} is damaged (${problem}); a running service rewrites it at its next change — if it stays damaged, stop the service, delete the file and start the service again`,
  };
}

/**
 * The status file holds no secret (no credential, no key): any local user may read it, so that the person at the
 * laptop can run `compliance-agent status`. Its directory (the state dir) becomes traversable (0711), never
 * listable; the secrets beside it stay 0600 and the outbox 0700.
 */
export async function writeServiceStatus(path: string, status: ServiceStatus): Promise<void> {
  // Rewritten on every ack: atomic, but not worth an fsync — after a crash the service writes it anew.
  await writeFileAtomically(path, `${JSON.stringify(status, null, 2)}\n`, 0o644);
  if (process.platform !== "win32") {
    await chmod(path, 0o644); // whatever the umask took away
    // Only the owner-only dir the agent made: a state dir pointed elsewhere (a shared dir) is left as it is.
    const dir = await stat(dirname(path));
    if ((dir.mode & 0o777) === 0o700 && dir.uid === process.getuid?.()) await chmod(dirname(path), 0o711);
  }
}
