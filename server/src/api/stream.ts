// GET /api/v1/violations/stream (viewer): the live feed as Server-Sent Events, resumable with Last-Event-ID.
import { AppError, DeviceNotice, StreamReady, Violation, ViolationStreamQuery } from "@wegroup/shared";
import { z } from "zod";
import type { FastifyRequest } from "fastify";
import { defineRoute } from "./route.js";

export const STREAM_PATH = "/api/v1/violations/stream";

/** A URL as logs may show it: the `token` query parameter replaced. */
export function redactTokenParam(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/gi, "$1[redacted]");
}

/** The header (sent by an EventSource when it reconnects) wins over `?lastEventId=` (set by a client on its first connect). */
function lastEventIdOf(req: FastifyRequest, fromQuery: string | undefined): number | undefined {
  const header = req.headers["last-event-id"];
  if (header !== undefined) {
    const value = (Array.isArray(header) ? header[0] : header)?.trim() ?? "";
    if (!/^\d{1,15}$/.test(value))
      throw new AppError(
        "bad_request",
        `invalid header: Last-Event-ID: expected the id of an event (a whole number), got "${value.slice(0, 40)}"`,
      );
    return Number(value);
  }
  return fromQuery === undefined ? undefined : Number(fromQuery);
}

/**
 * The EventSource API cannot send an Authorization header, so this route, and only this one, also takes
 * the token as `?token=` (`tokenInQuery`: the header wins; the request line is redacted in the log).
 */
export const violationStream = defineRoute(
  {
    method: "GET",
    path: STREAM_PATH,
    access: "viewer",
    tokenInQuery: true,
    operationId: "violationStream",
    tags: ["violations"],
    summary:
      "live feed as Server-Sent Events (event: violation, data: a Violation, id: resumable with Last-Event-ID); the token may come as ?token=",
    description:
      "One `event: violation` per opened, resolved or exempted violation (`id:` its feed sequence number, `data:` the Violation as JSON), `event: device` for a device enrolled again, and `event: ready` once the backlog after Last-Event-ID has been sent. Reconnect with the last `id:` seen as Last-Event-ID (EventSource does so itself) to miss nothing.",
    query: ViolationStreamQuery,
    headers: [
      {
        name: "Last-Event-ID",
        description: "resume after this event (the `id:` of the last event received); wins over ?lastEventId=",
        schema: z.string().regex(/^\d{1,15}$/),
      },
    ],
    ok: {
      status: 200,
      schema: null,
      contentType: "text/event-stream",
      events: { violation: Violation, device: DeviceNotice, ready: StreamReady },
    },
    errors: [400],
  },
  (deps) =>
    async ({ query, req, reply }) => {
      const lastEventId = lastEventIdOf(req, query.lastEventId);
      reply.hijack();
      req.log.info({ lastEventId, by: req.identity?.name }, "live-feed client connected");
      try {
        await deps.feed.attach(reply.raw, lastEventId, req.identity?.id);
      } catch (error) {
        req.log.error({ err: error }, "live-feed client failed");
        reply.raw.destroy();
      }
    },
);
