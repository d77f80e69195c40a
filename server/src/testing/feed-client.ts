// A live-feed client for tests: the standard EventSource (npm `eventsource`), recording events and each connection's Last-Event-ID.
import { DeviceNotice, Violation } from "@wegroup/shared";
import { EventSource, type FetchLike } from "eventsource";
import { until } from "./wait.js";

export interface FeedEvent {
  seq: number;
  violation: Violation;
}

export interface FeedClientOptions {
  /** Sent as ?token= (what a browser's EventSource does); `header` sends it as Authorization instead. */
  token?: string;
  header?: boolean;
  lastEventId?: number;
}

export class FeedClient {
  readonly events: FeedEvent[] = [];
  /** `event: device` messages (re-enrollments). */
  readonly notices: DeviceNotice[] = [];
  /** The ids of `ready` events: where the feed stood at each (re)connection. */
  readonly ready: number[] = [];
  /** The Last-Event-ID header of each connection attempt (null when none was sent). */
  readonly connections: (string | null)[] = [];
  readonly errors: string[] = [];
  readonly source: EventSource;

  constructor(baseUrl: string, options: FeedClientOptions = {}) {
    const url = new URL("/api/v1/violations/stream", baseUrl);
    if (options.token !== undefined && options.header !== true) url.searchParams.set("token", options.token);
    if (options.lastEventId !== undefined) url.searchParams.set("lastEventId", String(options.lastEventId));
    const recordingFetch: FetchLike = (input, init) => {
      const headers = new Headers(init?.headers);
      this.connections.push(headers.get("last-event-id"));
      if (options.header === true && options.token !== undefined) headers.set("authorization", `Bearer ${options.token}`);
      return fetch(input, { ...init, headers });
    };
    this.source = new EventSource(url, { fetch: recordingFetch });
    this.source.addEventListener("violation", (e) => {
      this.events.push({ seq: Number(e.lastEventId), violation: Violation.parse(JSON.parse(String(e.data))) });
    });
    this.source.addEventListener("ready", (e) => this.ready.push(Number(e.lastEventId)));
    this.source.addEventListener("device", (e) => this.notices.push(DeviceNotice.parse(JSON.parse(String(e.data)))));
    this.source.addEventListener("error", (e) =>
      this.errors.push(`${(e as { code?: number }).code ?? ""} ${(e as { message?: string }).message ?? ""}`.trim()),
    );
  }

  /** Connected and told where the feed stands. */
  opened(ms = 5_000): Promise<void> {
    return until(() => this.ready.length > 0, ms, "the feed's ready event");
  }

  waitForCount(n: number, ms = 10_000): Promise<void> {
    return until(() => this.events.length >= n, ms, `${n} feed events (have ${this.events.length})`);
  }

  async waitFor(predicate: (e: FeedEvent) => boolean, ms = 10_000, what = "a matching feed event"): Promise<FeedEvent> {
    await until(() => this.events.some(predicate), ms, what);
    return this.events.find(predicate) as FeedEvent;
  }

  /** Closed for good: the server ended the stream and refused the reconnect (e.g. a revoked token). */
  closedForGood(ms = 10_000): Promise<void> {
    return until(() => this.source.readyState === EventSource.CLOSED, ms, "the feed to close for good");
  }

  close(): void {
    this.source.close();
  }
}
