// The device's enrollment (server URL, device id, credential), kept in the state dir at mode 0600.
import { readFile } from "node:fs/promises";
import { AppError, isLoopbackHost } from "@wegroup/shared";
import { z } from "zod";
import { writeFileDurably } from "./files.js";

export const Enrollment = z.object({
  serverUrl: z.url(),
  deviceId: z.string().min(1),
  credential: z.string().min(16),
  /** A private CA's certificate file to trust for wss:// (PEM), as an absolute path. */
  caFile: z.string().optional(),
  /** The public half of the device key (device-key.pem) the server bound to this device; absent before keys. */
  publicKey: z.string().optional(),
  enrolledAt: z.string(),
});
export type Enrollment = z.infer<typeof Enrollment>;

/** What to do about a damaged or unreadable enrollment: the same words wherever it is read. */

export async function loadEnrollment(path: string): Promise<Enrollment | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    throw new AppError(
      "forbidden",
      `cannot read ${path} (${code ?? String(error)}); run as root (Administrator on Windows) or fix the state dir's permissions`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw damagedEnrollment(path, text.trim() === "" ? "it is empty" : `not JSON: ${(error as Error).message}`);
  }
  const parsed = Enrollment.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw damagedEnrollment(path, `${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

/** A truncated or edited file: say which, and what to do (the AppError code gives the CLI its exit code). */
function damagedEnrollment(path: string, what: string): AppError {
  return new AppError(
    "not_enrolled",
    `the enrollment file ${path} is damaged (${what}). Enroll this device again: compliance-agent enroll --server URL --secret SECRET (it replaces the file)`,
  );
}

export function saveEnrollment(path: string, enrollment: Enrollment): Promise<void> {
  return writeFileDurably(path, `${JSON.stringify(enrollment, null, 2)}\n`, 0o600);
}

/**
 * Plain http:// (and so ws://) only to this machine: to any other host the credential, the enrollment
 * secret and every report would cross the network in clear text. Answers the refusal, or undefined.
 */
export function insecureTransportProblem(serverUrl: string): string | undefined {
  const url = new URL(serverUrl);
  if (url.protocol !== "http:" && url.protocol !== "ws:") return undefined;
  if (isLoopbackHost(url.hostname)) return undefined;
  return `refusing plain ${url.protocol}// to ${url.hostname}, which is not this machine: the device credential and every report would cross the network unencrypted. Use https:// (with --ca FILE for a private CA).`;
}

/** The agent channel for a server base URL: https → wss, http → ws, path /api/v1/agent. */
export function agentChannelUrl(serverUrl: string): string {
  const url = new URL(serverUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/api/v1/agent`;
  url.search = "";
  return url.toString();
}
