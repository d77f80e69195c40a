// The bench's side of its client processes: forks 1-4 of them, splits the agents between them, and fans each command out.
import { fork } from "node:child_process";
import path from "node:path";
import { RpcClient } from "../ipc.js";
import { BENCH_DIST } from "../paths.js";
import type { InitArgs } from "./commands.js";

export interface PoolOptions {
  mode: InitArgs["mode"];
  processes: number;
  agents: number;
  url: string;
  baseUrl: string;
  secret: string;
  runId: string;
}

export class ClientPool {
  private constructor(readonly clients: RpcClient[]) {}

  static async start(options: PoolOptions): Promise<ClientPool> {
    const processes = Math.max(1, Math.min(4, options.processes, options.agents));
    const clients: RpcClient[] = [];
    const pool = new ClientPool(clients);
    try {
      let first = 0;
      for (let p = 0; p < processes; p++) {
        const count = Math.floor(options.agents / processes) + (p < options.agents % processes ? 1 : 0);
        const child = fork(path.join(BENCH_DIST, "client/main.js"), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
        const client = new RpcClient(child, `client process ${p + 1}/${processes} (${options.mode})`);
        clients.push(client);
        const init: InitArgs = {
          mode: options.mode,
          url: options.url,
          baseUrl: options.baseUrl,
          secret: options.secret,
          first,
          count,
          runId: options.runId,
        };
        await client.call("init", init, 30_000);
        first += count;
      }
      return pool;
    } catch (error) {
      pool.kill();
      throw error;
    }
  }

  /** Sends the same command to every process; answers each one's result. */
  all<T>(cmd: string, args: unknown, timeoutMs: number): Promise<T[]> {
    return Promise.all(this.clients.map((c) => c.call<T>(cmd, args, timeoutMs)));
  }

  /** Sends a command whose args differ per process. */
  each<T>(cmd: string, args: (index: number, processes: number) => unknown, timeoutMs: number): Promise<T[]> {
    return Promise.all(this.clients.map((c, i) => c.call<T>(cmd, args(i, this.clients.length), timeoutMs)));
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.clients.map((c) => c.call("shutdown", {}, 5_000)));
    await Promise.all(
      this.clients.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.child.exitCode !== null || c.child.signalCode !== null) return resolve();
            const timer = setTimeout(() => {
              c.kill();
              resolve();
            }, 5_000);
            c.child.once("exit", () => {
              clearTimeout(timer);
              resolve();
            });
          }),
      ),
    );
  }

  kill(): void {
    for (const c of this.clients) c.kill();
  }
}
