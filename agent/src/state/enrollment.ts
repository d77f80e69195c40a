// The device's enrollment (server URL, device id, credential), kept in the state dir at mode 0600.
import { readFile } from "node:fs/promises";
import { AppError, describeZodError } from "@wegroup/shared";
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

/** What to do about a damaged or unreadable enrollment: the same words wherever it is read. */
const ENROLL_AGAIN = "enroll again: compliance-agent enroll --server URL --secret SECRET";

export async function loadEnrollment(path: string): Promise<Enrollment | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    throw new AppError("forbidden", `cannot read ${path} (${code ?? String(error)}); run as root (Administrator on Windows) or fix the state dir's permissions`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new AppError("not_enrolled", `${path} is damaged (not JSON: ${(error as Error).message}); ${ENROLL_AGAIN}`);
  }
  const parsed = Enrollment.safeParse(doc);
  if (!parsed.success) throw new AppError("not_enrolled", `${path} is damaged (${describeZodError(parsed.error)}); ${ENROLL_AGAIN}`);
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
