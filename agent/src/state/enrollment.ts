// The device's enrollment (server URL, device id, credential), kept in the state dir at mode 0600.
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { writeFileDurably } from "./files.js";

export const Enrollment = z.object({
  serverUrl: z.url(),
  deviceId: z.string().min(1),
  credential: z.string().min(16),
  /** A private CA's certificate file to trust for wss:// (PEM). */
  caFile: z.string().optional(),
  enrolledAt: z.string(),
});
export type Enrollment = z.infer<typeof Enrollment>;

export async function loadEnrollment(path: string): Promise<Enrollment | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const parsed = Enrollment.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${path} is damaged (${parsed.error.issues[0]?.message ?? "invalid"}); enroll again`);
  return parsed.data;
}

export function saveEnrollment(path: string, enrollment: Enrollment): Promise<void> {
  return writeFileDurably(path, `${JSON.stringify(enrollment, null, 2)}\n`, 0o600);
}

/** The agent channel for a server base URL: https → wss, http → ws, path /api/v1/agent. */
export function agentChannelUrl(serverUrl: string): string {
  const url = new URL(serverUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/api/v1/agent`;
  url.search = "";
  return url.toString();
}
