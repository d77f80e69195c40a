// A simulated agent under load for resilience tests: keeps reports in flight, resends what the server refused as transient.
import { ServerFrame, type ReportFrame } from "@wegroup/shared";
import WebSocket from "ws";
import { helloFrame, reportFrame, usbFail, usbPass } from "./frames.js";
import { withTimeout } from "./wait.js";

export interface LoadAgentOptions {
  /** Reports sent and not yet acknowledged, at most. */
  window: number;
  /** Resend delay after an `unavailable` or `rate_limited` answer (a real agent backs off too). */
  resendMs: number;
}

/**
 * Like a real agent's outbox: a report stays "owed" until its ack; a transient refusal sends it again;
 * a refusal for good (invalid_frame) is recorded and the report dropped. Every frame is checked against the schema.
 */
export class LoadAgent {
  readonly acked = new Set<string>();
  readonly refusedForGood = new Map<string, string>();
  /** Transient refusals seen (each is followed by a resend). */
  transientRefusals = 0;
  readonly #owed = new Map<string, ReportFrame>();
  #producing = true;
  #sequence = 0;
  #wake: (() => void)[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(
    private readonly ws: WebSocket,
    private readonly options: LoadAgentOptions,
  ) {
    ws.on("message", (data: Buffer) => this.#onFrame(ServerFrame.parse(JSON.parse(data.toString("utf8")))));
    ws.on("error", () => {});
    this.closed = new Promise((resolve) => ws.on("close", (code, reason) => resolve({ code, reason: reason.toString("utf8") })));
  }

  static async connect(wsUrl: string, deviceId: string, credential: string, options: LoadAgentOptions): Promise<LoadAgent> {
    const ws = new WebSocket(wsUrl);
    const welcomed = new Promise<void>((resolve, reject) => {
      ws.once("message", () => resolve());
      ws.once("error", reject);
      ws.once("close", (code) => reject(new Error(`closed (${code}) before the welcome`)));
    });
    ws.once("open", () => ws.send(JSON.stringify(helloFrame(deviceId, credential))));
    await withTimeout(welcomed, 10_000, "the welcome");
    const agent = new LoadAgent(ws, options);
    agent.#fill();
    return agent;
  }

  get owed(): number {
    return this.#owed.size;
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Stops making new reports; what is owed is still delivered. */
  stopProducing(): void {
    this.#producing = false;
  }

  /** Settles once nothing is owed (every report acknowledged or refused for good). */
  async drained(ms: number): Promise<void> {
    await withTimeout(
      (async () => {
        while (this.#owed.size > 0) await new Promise<void>((resolve) => this.#wake.push(resolve));
      })(),
      ms,
      `${this.#owed.size} reports to be acknowledged`,
    );
  }

  close(): void {
    this.ws.close(1000);
  }

  #onFrame(frame: ServerFrame): void {
    if (frame.type === "ack") {
      if (this.#owed.delete(frame.id)) this.acked.add(frame.id);
    } else if (frame.type === "error" && frame.ref !== undefined) {
      const report = this.#owed.get(frame.ref);
      if (report === undefined) return;
      if (frame.code === "unavailable" || frame.code === "rate_limited") {
        this.transientRefusals++;
        setTimeout(() => this.#send(report), this.options.resendMs);
        return;
      }
      this.#owed.delete(frame.ref);
      this.refusedForGood.set(frame.ref, `${frame.code}: ${frame.message}`);
    }
    this.#fill();
    for (const wake of this.#wake.splice(0)) wake();
  }

  /** USB sticks come and go, so that reports open and resolve violations (events, updates), not only repeat. */
  #fill(): void {
    while (this.#producing && this.#owed.size < this.options.window && this.open) {
      const n = this.#sequence++;
      const report = reportFrame([n % 3 === 2 ? usbPass() : usbFail(`SERIAL${n % 5}`)], {
        observedAt: new Date(Date.UTC(2025, 0, 1) + n * 1000).toISOString(),
      });
      this.#owed.set(report.id, report);
      this.#send(report);
    }
  }

  #send(report: ReportFrame): void {
    if (this.open && this.#owed.has(report.id)) this.ws.send(JSON.stringify(report));
  }
}
