// What the phases against the real server share: the configuration, the server process (replaced by the storm), the API and the client processes.
import type { ApiClient } from "../api.js";
import type { ClientPool } from "../client/pool.js";
import type { BenchConfig } from "../options.js";
import type { ClusterUnderTest } from "../proc/cluster.js";
import type { ServerUnderTest } from "../proc/server-process.js";
import type { ProfileWindow } from "../profile.js";

export interface ProductContext {
  readonly config: BenchConfig;
  readonly tmp: string;
  server: ServerUnderTest;
  /** Several instances behind HAProxy (`--instances`): `server` is the first of them, `api` goes through HAProxy. */
  readonly cluster?: ClusterUnderTest;
  readonly api: ApiClient;
  readonly adminToken: string;
  readonly pool: ClientPool;
  /** Things worth saying under the table (a fallback taken, a count that did not add up). */
  readonly notes: string[];
  /** Windows of the first server process's CPU profile worth summarising. */
  readonly windows: ProfileWindow[];
  /** Windows of the restarted process's profile. */
  readonly restartWindows: ProfileWindow[];
}

/** Progress on stderr, so that stdout carries only the table. */
export function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}
