// SIEM webhooks: what an admin registers, what GET lists (never the secret), and the JSON each delivery POSTs.
import { z } from "zod";
import { Text } from "./text.js";
import { Violation, ViolationEventKind } from "./api.js";
import { isLoopbackHost } from "./transport.js";

const Timestamp = z.iso.datetime({ offset: true });

/** The header that carries `sha256=<hex HMAC-SHA256 of the raw body, keyed with the hook's secret>`. */
export const WEBHOOK_SIGNATURE_HEADER = "x-compliance-signature";
/** The feed event's id (its seq), for de-duplication: a delivery may arrive more than once. */
export const WEBHOOK_EVENT_ID_HEADER = "x-compliance-event-id";

const WebhookUrl = Text({ min: 1, max: 2_000 }).superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: "custom", message: "not a URL: give the receiver's full address, e.g. https://siem.example/hooks/compliance" });
    return;
  }
  if (url.protocol === "https:") return;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname.replace(/^\[|\]$/g, ""))) return;
  ctx.addIssue({
    code: "custom",
    message: "use https:// (plain http:// only to this machine's loopback): the body carries people's violations",
  });
});

export const WebhookCreate = z.strictObject({
  url: WebhookUrl,
  /** Keys the HMAC; stored so that signatures can be made, never shown again. At least 16 characters. */
  secret: Text({ min: 16, max: 512 }),
  /** Which feed events to deliver. */
  events: z
    .array(ViolationEventKind)
    .min(1)
    .refine((kinds) => new Set(kinds).size === kinds.length, { message: "list each event kind once" }),
});
export type WebhookCreate = z.infer<typeof WebhookCreate>;

/** Where delivery stands: the last feed event the receiver acknowledged (2xx), and the current failure if any. */
export const WebhookDelivery = z.object({
  /** Seq of the last event delivered or skipped (not among `events`); the next delivery is the first one after it. */
  lastEventId: z.number().int().nonnegative(),
  /** Stored events after lastEventId not yet delivered (of the hook's kinds). */
  pending: z.number().int().nonnegative(),
  delivered: z.number().int().nonnegative(),
  failures: z.number().int().nonnegative(),
  /** Failed attempts in a row on the current event (0 when the last one succeeded). */
  attempts: z.number().int().nonnegative(),
  nextAttemptAt: Timestamp.nullable(),
  lastDeliveredAt: Timestamp.nullable(),
  /** Why the last attempt failed (`HTTP 503`, `ECONNREFUSED`, `timeout`), null after a success. */
  lastError: z.string().nullable(),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

export const WebhookInfo = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(ViolationEventKind),
  createdAt: Timestamp,
  createdBy: z.string(),
  /** A paused hook keeps its place: resuming delivers everything stored since, in order. */
  paused: z.boolean(),
  delivery: WebhookDelivery,
});
export type WebhookInfo = z.infer<typeof WebhookInfo>;

export const WebhookList = z.object({ items: z.array(WebhookInfo) });
export type WebhookList = z.infer<typeof WebhookList>;

/** The body of one delivery: the feed event, with `id` the same as the SSE `id:` (and the X-Compliance-Event-Id header). */
export const WebhookPayload = z.object({
  id: z.number().int().positive(),
  event: ViolationEventKind,
  at: Timestamp,
  violation: Violation,
});
export type WebhookPayload = z.infer<typeof WebhookPayload>;
