// /api/v1/webhooks (admin): SIEM webhooks. The secret is taken once and never answered; changes are audited.
import { AppError, IdParams, WebhookCreate, WebhookInfo, WebhookList } from "@wegroup/shared";
import { recordAudit } from "../store/audit.js";
import { lastEventSeq } from "../store/events.js";
import type { Db } from "../store/schema.js";
import {
  deleteWebhook as deleteWebhookRow,
  findWebhook,
  insertWebhook,
  listWebhooks as listWebhookRows,
  pendingEvents,
  setWebhookPaused,
  type StoredWebhook,
} from "../store/webhooks.js";
import { defineRoute, type Route } from "./route.js";

export const createWebhook = defineRoute(
  {
    method: "POST",
    path: "/api/v1/webhooks",
    access: "admin",
    operationId: "createWebhook",
    tags: ["webhooks"],
    summary: "register a SIEM webhook",
    description:
      "Every feed event of the given kinds from now on is POSTed as JSON to the URL, in feed order, at least once, signed with X-Compliance-Signature: sha256=<hex HMAC-SHA256 of the raw body keyed with the secret>, with the event id in X-Compliance-Event-Id for de-duplication; a receiver that does not answer 2xx is retried with exponential backoff. The secret is stored so that signatures can be made and is never answered or logged.",
    body: WebhookCreate,
    ok: { status: 201, schema: WebhookInfo },
    errors: [400, 413],
  },
  (deps) =>
    async ({ body, req }) => {
      const db = deps.store.db;
      const by = req.identity?.name ?? "unknown";
      const id = deps.newId();
      const now = deps.clock.now().toISOString();
      const receiver = new URL(body.url).origin;
      await db.transaction().execute(async (trx) => {
        // From the next event on: a new receiver is not flooded with the stored past.
        await insertWebhook(trx, {
          id,
          url: body.url,
          secret: body.secret,
          events: body.events,
          createdAt: now,
          createdBy: by,
          lastEventId: await lastEventSeq(trx),
        });
        await recordAudit(trx, {
          at: now,
          actor: by,
          action: "webhook.create",
          target: `webhook ${id}`,
          detail: { receiver, events: body.events },
        });
      });
      req.log.info({ webhookId: id, receiver, events: body.events, by }, "webhook created");
      deps.webhooks.kick();
      return info(db, await found(db, id));
    },
);

export const listWebhooks = defineRoute(
  {
    method: "GET",
    path: "/api/v1/webhooks",
    access: "admin",
    operationId: "listWebhooks",
    tags: ["webhooks"],
    summary: "webhooks with their delivery state, never their secrets",
    ok: { status: 200, schema: WebhookList },
    errors: [],
  },
  (deps) => async () => ({ items: await Promise.all((await listWebhookRows(deps.store.db)).map((h) => info(deps.store.db, h))) }),
);

export const deleteWebhook = defineRoute(
  {
    method: "DELETE",
    path: "/api/v1/webhooks/{id}",
    access: "admin",
    operationId: "deleteWebhook",
    tags: ["webhooks"],
    summary: "stop and remove a webhook",
    params: IdParams,
    ok: { status: 204, schema: null },
    errors: [400, 404],
  },
  (deps) =>
    async ({ params: { id }, req }) => {
      const by = req.identity?.name ?? "unknown";
      const now = deps.clock.now().toISOString();
      await deps.store.db.transaction().execute(async (trx) => {
        if (!(await deleteWebhookRow(trx, id))) throw new AppError("not_found", `no webhook ${id}`);
        await recordAudit(trx, { at: now, actor: by, action: "webhook.delete", target: `webhook ${id}` });
      });
      req.log.info({ webhookId: id, by }, "webhook deleted");
    },
);

function pauseOrResume(action: "pause" | "resume"): Route {
  const paused = action === "pause";
  return defineRoute(
    {
      method: "POST",
      path: `/api/v1/webhooks/{id}/${action}`,
      access: "admin",
      operationId: paused ? "pauseWebhook" : "resumeWebhook",
      tags: ["webhooks"],
      summary: paused
        ? "stop delivering, keeping the place: nothing stored meanwhile is lost"
        : "deliver again, at once, from where it stopped",
      params: IdParams,
      ok: { status: 200, schema: WebhookInfo },
      errors: [400, 404],
    },
    (deps) =>
      async ({ params: { id }, req }) => {
        const db = deps.store.db;
        const by = req.identity?.name ?? "unknown";
        await db.transaction().execute(async (trx) => {
          if (!(await setWebhookPaused(trx, id, paused))) throw new AppError("not_found", `no webhook ${id}`);
          await recordAudit(trx, { at: deps.clock.now().toISOString(), actor: by, action: `webhook.${action}`, target: `webhook ${id}` });
        });
        req.log.info({ webhookId: id, by }, paused ? "webhook paused" : "webhook resumed");
        if (!paused) deps.webhooks.kick();
        return info(db, await found(db, id));
      },
  );
}

export const pauseWebhook = pauseOrResume("pause");
export const resumeWebhook = pauseOrResume("resume");

async function found(db: Db, id: string): Promise<StoredWebhook> {
  const hook = await findWebhook(db, id);
  if (hook === undefined) throw new AppError("not_found", `no webhook ${id}`);
  return hook;
}

/** Everything but the secret. */
async function info(db: Db, h: StoredWebhook): Promise<WebhookInfo> {
  return {
    id: h.id,
    url: h.url,
    events: h.events,
    createdAt: h.createdAt,
    createdBy: h.createdBy,
    paused: h.paused,
    delivery: {
      lastEventId: h.lastEventId,
      pending: await pendingEvents(db, h.lastEventId, h.events),
      delivered: h.delivered,
      failures: h.failures,
      attempts: h.attempts,
      nextAttemptAt: h.nextAttemptAt,
      lastDeliveredAt: h.lastDeliveredAt,
      lastError: h.lastError,
    },
  };
}
