// Request/answer calls between the bench and its child processes over Node's IPC channel, each bounded in time.
import type { ChildProcess } from "node:child_process";
import { withTimeout } from "./clock.js";

interface RpcRequest {
  rpc: number;
  cmd: string;
  args: unknown;
}

interface RpcAnswer {
  rpc: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/** The parent's end: `call` sends a command and settles with the child's answer. */
export class RpcClient {
  #next = 1;
  readonly #waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  constructor(
    readonly child: ChildProcess,
    readonly name: string,
  ) {
    child.on("message", (message: RpcAnswer) => {
      const waiter = this.#waiting.get(message.rpc);
      if (waiter === undefined) return;
      this.#waiting.delete(message.rpc);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(new Error(`${name}: ${message.error ?? "failed"}`));
    });
    child.once("exit", (code, signal) => {
      for (const waiter of this.#waiting.values()) waiter.reject(new Error(`${name} exited (${code ?? signal}) before answering`));
      this.#waiting.clear();
    });
  }

  call<T>(cmd: string, args: unknown, timeoutMs: number): Promise<T> {
    const rpc = this.#next++;
    const answer = new Promise<T>((resolve, reject) => {
      this.#waiting.set(rpc, { resolve, reject });
      this.child.send({ rpc, cmd, args } satisfies RpcRequest);
    });
    return withTimeout(answer, timeoutMs, `${this.name} to answer "${cmd}"`);
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }
}

export type Handlers = Record<string, (args: never) => Promise<unknown>>;

/** The child's end: answers each command with its handler; exits when the parent goes away, so nothing outlives the run. */
export function serveRpc(handlers: Handlers): void {
  process.on("message", (message: RpcRequest) => {
    const handler = handlers[message.cmd] as ((args: unknown) => Promise<unknown>) | undefined;
    const answer = (a: RpcAnswer): void => {
      if (process.connected) process.send?.(a);
    };
    if (handler === undefined) {
      answer({ rpc: message.rpc, ok: false, error: `unknown command "${message.cmd}"` });
      return;
    }
    handler(message.args).then(
      (result) => answer({ rpc: message.rpc, ok: true, result }),
      (error: unknown) =>
        answer({ rpc: message.rpc, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
  process.on("disconnect", () => process.exit(0));
}
