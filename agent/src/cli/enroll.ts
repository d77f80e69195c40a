// `compliance-agent enroll`: trades the enrollment secret for this device's own credential.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { EnrollResponse, ErrorBody } from "@wegroup/shared";
import { hardwareId } from "../device.js";
import { postJson } from "../net/http.js";
import type { StatePaths } from "../config.js";
import { newDeviceKey, saveDeviceKey } from "../state/device-key.js";
import { insecureTransportProblem, saveEnrollment } from "../state/enrollment.js";
import { CliError } from "./errors.js";
import { machineFor } from "./machine.js";

export interface EnrollOptions {
  server: string;
  secret: string;
  ca?: string;
  /** Enroll the simulated device of a bundle (its hostname, OS and hardware id) instead of this machine. */
  replay?: string;
}

export async function enrollCommand(
  options: EnrollOptions,
  paths: StatePaths,
  out: (text: string) => void,
  now: () => Date,
): Promise<number> {
  let base: URL;
  try {
    base = new URL(options.server);
    if (base.protocol !== "http:" && base.protocol !== "https:") throw new Error("not http(s)");
  } catch {
    throw new CliError(
      "bad_request",
      `--server must be the server's base URL, such as https://compliance.example:8443, not "${options.server}"`,
    );
  }
  const insecure = insecureTransportProblem(base.href);
  if (insecure !== undefined) throw new CliError("bad_request", `--server: ${insecure}`);
  // The service runs from another working directory: a relative --ca would not be found there.
  const caFile = options.ca === undefined ? undefined : resolve(options.ca);
  const ca = caFile === undefined ? undefined : await readCa(caFile);
  const machine = await machineFor(options.replay);
  const hwid =
    (await hardwareId(machine.runner).catch(() => undefined)) ??
    `${options.replay !== undefined ? "bundle" : "host"}:${machine.host.hostname}`;
  const url = new URL("api/v1/enroll", base.href.endsWith("/") ? base.href : `${base.href}/`).toString();
  // A new key for every enrollment: the server binds this device record to it, and the hellos prove it.
  const { key, pem } = newDeviceKey();
  let response;
  try {
    response = await postJson(
      url,
      { secret: options.secret, hostname: machine.host.hostname, os: machine.runner.platform, hardwareId: hwid, publicKey: key.publicKey },
      ca === undefined ? {} : { ca },
    );
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new CliError("unavailable", `cannot reach ${base.origin} (${code}). Check the --server URL and that the server is running.`);
  }
  if (response.status !== 200) {
    const parsed = ErrorBody.safeParse(response.body);
    const detail = parsed.success ? parsed.data.error.message : `HTTP ${response.status}`;
    if (response.status === 401 || response.status === 403)
      throw new CliError(
        "unauthorized",
        `the server refused the enrollment secret (${detail}). Copy it from the server's data dir (enroll-secret) and try again.`,
      );
    if (response.status === 429)
      throw new CliError("rate_limited", `the server is limiting enrollments (${detail}); try again in a minute.`);
    throw new CliError("unavailable", `enrollment failed: ${detail}`);
  }
  const enrolled = EnrollResponse.parse(response.body);
  // The key first: an enrollment file always names a key that is on disk.
  await saveDeviceKey(paths.deviceKey, pem);
  await saveEnrollment(paths.enrollment, {
    serverUrl: base.origin + base.pathname.replace(/\/+$/, ""),
    deviceId: enrolled.deviceId,
    credential: enrolled.credential,
    ...(caFile !== undefined ? { caFile } : {}),
    publicKey: key.publicKey,
    enrolledAt: now().toISOString(),
  });
  out(
    `enrolled as device ${enrolled.deviceId} with ${base.origin}; credential stored in ${paths.enrollment}, device key in ${paths.deviceKey}`,
  );
  out("start the service (compliance-agent run) to begin reporting.");
  return 0;
}

async function readCa(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new CliError("bad_request", `cannot read the CA certificate ${path}: ${(error as Error).message}`);
  }
}
