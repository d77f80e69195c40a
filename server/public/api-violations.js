// /api/v1/violations: filtered pages with true counts, and the live feed read with fetch (the token stays in a header).
import { Violation, ViolationPage } from "./vendor/vendor.js";
import { authHeaders, request } from "./api.js";

/** filter: {status, check, device, subject, since, until, limit, cursor} */
export const listViolations = (filter) => request("GET", "/api/v1/violations", { schema: ViolationPage, query: filter });

/**
 * Follows /api/v1/violations/stream: onEvent(violation, id) for each event, onState("live" | "reconnecting") as the
 * connection comes and goes; it resumes from the last event id it saw (Last-Event-ID), so nothing repeats or is missed.
 * Answers a function that stops it.
 */
export function followViolations({ onEvent, onState, retryMs = 1_000 }) {
  let stopped = false;
  let lastId;
  let abort;
  let timer;
  const connect = async () => {
    abort = new AbortController();
    try {
      const res = await fetch("/api/v1/violations/stream", {
        headers: authHeaders({ accept: "text/event-stream", ...(lastId === undefined ? {} : { "last-event-id": lastId }) }),
        signal: abort.signal,
      });
      if (!res.ok || res.body === null) throw new Error(`HTTP ${res.status}`);
      onState("live");
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          dispatch(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // Closed, refused or unreachable: try again below.
    }
    if (stopped) return;
    onState("reconnecting");
    timer = setTimeout(connect, retryMs);
  };
  const dispatch = (block) => {
    let event = "message";
    let id;
    const data = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("id:")) id = line.slice(3).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    if (id !== undefined) lastId = id;
    if (event !== "violation" || data.length === 0) return;
    const parsed = Violation.safeParse(JSON.parse(data.join("\n")));
    if (parsed.success) onEvent(parsed.data, id);
  };
  void connect();
  return () => {
    stopped = true;
    clearTimeout(timer);
    abort?.abort();
  };
}
