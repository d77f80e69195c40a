// Several compliance-server instances on one PostgreSQL schema, each with its own data dir, behind one HAProxy.
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { Haproxy } from "./haproxy.js";
import { freePort } from "./ports.js";
import { ServerUnderTest } from "./server-process.js";

export interface ClusterOptions {
  tmp: string;
  instances: number;
  /** The run's schema URL (same for all). */
  db: string;
  logLevel: string;
  agents: number;
  /** Called with each process as soon as it exists, so that the run stops it however it ends. */
  track(dispose: () => void): void;
}

export class ClusterUnderTest {
  private constructor(
    readonly instances: ServerUnderTest[],
    readonly haproxy: Haproxy,
  ) {}

  /** Instance 1 first (it migrates the schema), then the others together, then HAProxy in front of them. */
  static async start(options: ClusterOptions): Promise<ClusterUnderTest> {
    const instances: ServerUnderTest[] = [];
    // Every enrollment reaches the instances from HAProxy's address: they believe its X-Forwarded-For (as a deployment
    // behind a balancer is told to), so the per-address enrollment limit counts each client address, as without it.
    const startOne = async (k: number): Promise<ServerUnderTest> => {
      const dataDir = path.join(options.tmp, `instance-${k}`, "data");
      await mkdir(path.dirname(dataDir), { recursive: true });
      const server = await ServerUnderTest.start({
        dataDir,
        listen: "127.0.0.1:0",
        db: options.db,
        logLevel: options.logLevel,
        logFile: path.join(options.tmp, `instance-${k}`, "server.log"),
        trustProxy: "127.0.0.1",
      });
      options.track(() => server.kill());
      return server;
    };
    instances.push(await startOne(1));
    instances.push(...(await Promise.all(Array.from({ length: options.instances - 1 }, (_, i) => startOne(i + 2)))));
    const haproxy = await Haproxy.start({
      dir: options.tmp,
      port: await freePort(),
      backends: instances.map((s, i) => ({ name: `instance-${i + 1}`, host: "127.0.0.1", port: s.port })),
      agents: options.agents,
    });
    options.track(() => haproxy.kill());
    return new ClusterUnderTest(instances, haproxy);
  }

  get url(): string {
    return this.haproxy.url;
  }

  /** The instances still running. */
  get live(): ServerUnderTest[] {
    return this.instances.filter((s) => s.child.exitCode === null && s.child.signalCode === null);
  }

  /** RSS of every live instance, added up. */
  async rss(): Promise<number> {
    const values = await Promise.all(this.live.map((s) => s.rss()));
    return values.reduce((a, b) => a + b, 0);
  }

  async stop(): Promise<{ killed: boolean }> {
    await this.haproxy.stop();
    const stopped = await Promise.all(this.live.map((s) => s.stop()));
    return { killed: stopped.some((s) => s.killed) };
  }
}
