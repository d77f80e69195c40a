// A listener on the live feed (GET /api/v1/violations/stream, Server-Sent Events) that notes when each probe's "opened" event arrives.
import { monoMs } from "./clock.js";
import { FEED_PREFIX } from "./reports.js";

export class FeedListener {
  /** Probe subject → arrival time (monotonic ms) of its first event that shows it open. */
  readonly openedAt = new Map<string, number>();
  events = 0;
  #abort = new AbortController();
  #done: Promise<void> = Promise.resolve();

  private constructor() {}

  /** Answers the listener, or the HTTP status when the server has no feed. */
  static async connect(baseUrl: string, token: string): Promise<FeedListener | { status: number }> {
    const listener = new FeedListener();
    const response = await fetch(new URL("/api/v1/violations/stream", baseUrl), {
      headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" },
      signal: listener.#abort.signal,
    });
    const type = response.headers.get("content-type") ?? "";
    if (response.status !== 200 || !type.includes("text/event-stream") || response.body === null) {
      await response.body?.cancel().catch(() => undefined);
      return { status: response.status };
    }
    listener.#done = listener.#read(response.body).catch(() => undefined);
    return listener;
  }

  async #read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of body) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, "");
        this.#onEvent(block);
      }
    }
  }

  #onEvent(block: string): void {
    const at = monoMs();
    let event = "message";
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    if (event !== "violation" || data.length === 0) return;
    this.events++;
    let payload: { subject?: string; status?: string; violation?: { subject?: string; status?: string } };
    try {
      payload = JSON.parse(data.join("\n")) as typeof payload;
    } catch {
      return;
    }
    // DESIGN says `data:` is a Violation; accept an event envelope ({kind, violation}) too.
    const violation = payload.violation ?? payload;
    const subject = violation.subject;
    if (subject === undefined || !subject.startsWith(FEED_PREFIX) || violation.status !== "open") return;
    if (!this.openedAt.has(subject)) this.openedAt.set(subject, at);
  }

  async close(): Promise<void> {
    this.#abort.abort();
    await this.#done;
  }
}
