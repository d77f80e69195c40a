// /api/v1/webhooks (admin): SIEM webhooks. The secret is taken once and never answered; changes are audited.
import { AppError, IdParams, WebhookCreate, type WebhookInfo, type WebhookList } from "@wegroup/shared";
import type { FastifyInstance } from "fastify";
import { recordAudit } from "../store/audit.js";
import { lastEventSeq } from "../store/events.js";
import type { Db } from "../store/schema.js";
import { deleteWebhook, findWebhook, insertWebhook, listWebhooks, pendingEvents, setWebhookPaused, type StoredWebhook } from "../store/webhooks.js";
import { requireRole } from "./auth.js";
import type { ApiDeps } from "./deps.js";
import { parseInput } from "./errors.js";

export function webhookRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const db = deps.store.db;
  const admin = { preHandler: requireRole(db, "admin") };

  app.post("/api/v1/webhooks", admin, async (req, reply): Promise<WebhookInfo> => {
    const body = parseInput(WebhookCreate, req.body, "body");
    const by = req.identity?.name ?? "unknown";
    const id = deps.newId();
    const now = deps.clock.now().toISOString();
    await db.transaction().execute(async (trx) => {
      // From the next event on: a new receiver is not flooded with the stored past.
      await insertWebhook(trx, { id, url: body.url, secret: body.secret, events: body.events, createdAt: now, createdBy: by, lastEventId: await lastEventSeq(trx) });
      await recordAudit(trx, { at: now, actor: by, action: "webhook.create", target: `webhook ${id}`, detail: { receiver: new URL(body.url).origin, events: body.events } });
    });
    req.log.info({ webhookId: id, receiver: new URL(body.url).origin, events: body.events, by }, "webhook created");
    deps.webhooks.kick();
    void reply.code(201);
    return info(db, await found(db, id));
  });

  app.get("/api/v1/webhooks", admin, async (): Promise<WebhookList> => ({ items: await Promise.all((await listWebhooks(db)).map((h) => info(db, h))) }));

  app.delete("/api/v1/webhooks/:id", admin, async (req, reply) => {
    const { id } = parseInput(IdParams, req.params, "query");
    const by = req.identity?.name ?? "unknown";
    const now = deps.clock.now().toISOString();
    await db.transaction().execute(async (trx) => {
      if (!(await deleteWebhook(trx, id))) throw new AppError("not_found", `no webhook ${id}`);
      await recordAudit(trx, { at: now, actor: by, action: "webhook.delete", target: `webhook ${id}` });
    });
    req.log.info({ webhookId: id, by }, "webhook deleted");
    return reply.code(204).send();
  });

  for (const [action, paused] of [["pause", true], ["resume", false]] as const) {
    app.post(`/api/v1/webhooks/:id/${action}`, admin, async (req): Promise<WebhookInfo> => {
      const { id } = parseInput(IdParams, req.params, "query");
      const by = req.identity?.name ?? "unknown";
      await db.transaction().execute(async (trx) => {
        if (!(await setWebhookPaused(trx, id, paused))) throw new AppError("not_found", `no webhook ${id}`);
        await recordAudit(trx, { at: deps.clock.now().toISOString(), actor: by, action: `webhook.${action}`, target: `webhook ${id}` });
      });
      req.log.info({ webhookId: id, by }, paused ? "webhook paused" : "webhook resumed");
      if (!paused) deps.webhooks.kick();
      return info(db, await found(db, id));
    });
  }
}

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
