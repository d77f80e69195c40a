// One live-feed client: Server-Sent Events on a response, each event at most once and in seq order, never more than a bounded number of bytes waiting.
import type { ServerResponse } from "node:http";
import type { ViolationEvent } from "@wegroup/shared";

/** One SSE message per event; JSON.stringify never emits a raw newline, so `data:` is one line. */
export function formatEvent(event: ViolationEvent): string {
  return `id: ${event.seq}\nevent: violation\ndata: ${JSON.stringify(event.violation)}\n\n`;
}

/** Tells the client where the feed stands (its `id:` is what a reconnect resumes from) and that any backlog has been sent. */
export function formatReady(lastEventId: number): string {
  return `id: ${lastEventId}\nevent: ready\ndata: ${JSON.stringify({ lastEventId })}\n\n`;
}

/**
 * `catching-up`: sending what storage holds after `lastSent`, paced by the socket (a new client's backlog, or
 * a client that fell behind); `live`: events go straight out as the instance learns of them.
 */
export type ClientState = "catching-up" | "live";

export class SseClient {
  #lastSent: number;
  #state: ClientState = "catching-up";
  #closed = false;

  constructor(
    private readonly res: ServerResponse,
    lastSent: number,
    /** Bytes that may wait in this process for the socket. */
    private readonly maxBufferBytes: number,
    /** Called when a live event would pass the budget: the hub catches the client up from storage instead. */
    private readonly onBehind: (client: SseClient) => void,
  ) {
    this.#lastSent = lastSent;
    res.once("close", () => {
      this.#closed = true;
      // The client went away mid-stream: without this the server keeps its half of the socket until a timeout.
      res.destroy();
    });
  }

  get lastSent(): number {
    return this.#lastSent;
  }

  get state(): ClientState {
    return this.#state;
  }

  get closed(): boolean {
    return this.#closed || this.res.destroyed;
  }

  /** Bytes written but not yet taken by the socket. */
  get buffered(): number {
    return this.res.writableLength;
  }

  get full(): boolean {
    return this.buffered >= this.maxBufferBytes;
  }

  /** A live event. While catching up it is ignored: storage has it, and the catch-up sends it in order. */
  offer(seq: number, frame: string): void {
    if (this.closed || this.#state !== "live" || seq <= this.#lastSent) return;
    if (this.buffered + Buffer.byteLength(frame) > this.maxBufferBytes) {
      this.#state = "catching-up";
      this.onBehind(this);
      return;
    }
    this.#write(frame);
    this.#lastSent = seq;
  }

  /** An event read from storage while catching up; one the client has had already is skipped. */
  send(seq: number, frame: string): void {
    if (this.closed || seq <= this.#lastSent) return;
    this.#write(frame);
    this.#lastSent = seq;
  }

  /** Caught up: from now on events go straight through. */
  goLive(): void {
    this.#state = "live";
  }

  /** A comment or control line; skipped when the budget is used up (the socket is not taking bytes anyway). */
  control(text: string): void {
    if (!this.closed && !this.full) this.#write(text);
  }

  /** A rare message outside the seq order (a device notice): written unless the client is gone, even over the budget. */
  notice(text: string): void {
    if (!this.closed) this.#write(text);
  }

  /** Settles true when the socket has taken everything written, false if that did not happen within `ms` or the client went away. */
  drained(ms: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (this.buffered === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const finish = (ok: boolean): void => {
        clearTimeout(timer);
        this.res.off("drain", onDrain);
        this.res.off("close", onClose);
        resolve(ok);
      };
      const onDrain = (): void => finish(!this.closed);
      const onClose = (): void => finish(false);
      const timer = setTimeout(() => finish(false), ms);
      this.res.on("drain", onDrain);
      this.res.once("close", onClose);
    });
  }

  /** Closes the connection; an EventSource reconnects with Last-Event-ID and resumes from storage. */
  drop(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.res.destroy();
  }

  /** An orderly end (the server is stopping). */
  end(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.res.end();
  }

  #write(text: string): void {
    this.res.write(text);
  }
}
