// Real enrollment of a simulated device: POST /api/v1/enroll from its own loopback source address, as a separate laptop would.
import http from "node:http";
import type { DeviceKey } from "@wegroup/agent";
import { EnrollResponse } from "@wegroup/shared";
import { sleep } from "../clock.js";

/** Enrolls every seed, `concurrency` at a time; answers them with their credentials, in seed order. */
export async function enrollAll<S extends Omit<EnrollInput, "baseUrl" | "secret"> & { index: number }>(
  seeds: readonly S[],
  concurrency: number,
  baseUrl: string,
  secret: string,
): Promise<(S & EnrollResponse)[]> {
  const out: (S & EnrollResponse)[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < seeds.length) {
      const seed = seeds[next++] as S;
      out.push({ ...seed, ...(await enroll({ baseUrl, secret, ...seed })) });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out.sort((a, b) => a.index - b.index);
}

export interface EnrollInput {
  baseUrl: string;
  secret: string;
  hostname: string;
  hardwareId: string;
  localAddress: string;
  /** The device key whose public half enrollment registers, as the real agent's enrollment does. */
  key: DeviceKey;
}

/** Answers the device id and credential; waits out a 429 (Retry-After) a few times before giving up. */
export async function enroll(input: EnrollInput): Promise<EnrollResponse> {
  for (let attempt = 0; ; attempt++) {
    const { status, body, retryAfter } = await post(input);
    if (status === 200) return EnrollResponse.parse(JSON.parse(body));
    if (status === 429 && attempt < 3) {
      await sleep(Math.min(60, retryAfter) * 1000);
      continue;
    }
    throw new Error(`enrollment of ${input.hostname} from ${input.localAddress}: HTTP ${status} ${body.slice(0, 300)}`);
  }
}

function post(input: EnrollInput): Promise<{ status: number; body: string; retryAfter: number }> {
  const url = new URL("/api/v1/enroll", input.baseUrl);
  const payload = JSON.stringify({
    secret: input.secret,
    hostname: input.hostname,
    os: "linux",
    hardwareId: input.hardwareId,
    publicKey: input.key.publicKey,
  });
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        localAddress: input.localAddress,
        agent: false,
        timeout: 60_000,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body, retryAfter: Number(res.headers["retry-after"] ?? 1) || 1 }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("enrollment request timed out")));
    req.on("error", reject);
    req.end(payload);
  });
}
