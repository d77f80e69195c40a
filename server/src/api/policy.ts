// /api/v1/policy: the current document (viewer), replacing it (admin, pushed at once), its history and its rollout.
import { AppError, describeZodError, type Policy, type PolicyHistory, type PolicyPreview, type PolicyRollout, type PolicyStored, PolicyUpdate, type PolicyVersionDocument, PolicyVersionParams } from "@wegroup/shared";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { isUnreachable } from "../devices/status.js";
import { storeNextPolicy } from "../policy/update.js";
import { devicesBehind, devicesPerPolicyVersion, latestPolicy, policyHistory, policyVersion } from "../store/policies.js";
import { requireRole } from "./auth.js";
import type { ApiDeps } from "./deps.js";
import { parseInput } from "./errors.js";

/** How long a preview waits for the connected agents' answers ("within seconds"). */
export const PREVIEW_WAIT_MS = 3_000;

export const PolicyHistoryQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(1_000).default(100) });

export function policyRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const db = deps.store.db;
  const viewer = { preHandler: requireRole(db, "viewer") };

  // From storage, not memory: another instance may have stored a newer version a moment ago.
  app.get("/api/v1/policy", viewer, async (): Promise<Policy> => (await newestPolicy(deps)).policy);

  app.put("/api/v1/policy", { preHandler: requireRole(db, "admin") }, async (req): Promise<PolicyStored> => {
    const parsed = PolicyUpdate.safeParse(req.body);
    if (!parsed.success) throw new AppError("invalid_policy", describeZodError(parsed.error));
    const { version: _ignored, ...document } = parsed.data;
    const author = req.identity?.name ?? "unknown";
    const change = await storeNextPolicy(db, document, author, deps.clock.now().toISOString());
    const agents = await deps.policyPush.published(change.policy);
    req.log.info({ policyVersion: change.policy.version, author, summary: change.summary, agents }, "policy replaced");
    return { version: change.policy.version };
  });

  app.post("/api/v1/policy/preview", { preHandler: requireRole(db, "admin") }, async (req): Promise<PolicyPreview> => {
    const parsed = PolicyUpdate.safeParse(req.body);
    if (!parsed.success) throw new AppError("invalid_policy", describeZodError(parsed.error));
    const { version: _ignored, ...document } = parsed.data;
    const current = (await newestPolicy(deps)).policy;
    const answer = await deps.previews.preview({ ...document, version: current.version }, PREVIEW_WAIT_MS);
    req.log.info({ devices: answer.devices, notPreviewed: answer.notPreviewed, opened: answer.opened.length, resolved: answer.resolved.length }, "policy previewed");
    return answer;
  });

  app.get("/api/v1/policy/history", viewer, async (req): Promise<PolicyHistory> => {
    const q = parseInput(PolicyHistoryQuery, req.query, "query");
    const rows = await policyHistory(db, q.limit);
    return { items: rows.map((r) => ({ version: r.version, author: r.author, createdAt: r.createdAt, summary: r.summary ?? "" })) };
  });

  app.get("/api/v1/policy/history/:version", viewer, async (req): Promise<PolicyVersionDocument> => {
    const { version } = parseInput(PolicyVersionParams, req.params, "query");
    const stored = await policyVersion(db, version);
    if (stored === undefined) throw new AppError("not_found", `no policy version ${version}`);
    return stored;
  });

  app.get("/api/v1/policy/rollout", viewer, async (): Promise<PolicyRollout> => {
    const latest = (await newestPolicy(deps)).policy;
    const now = deps.clock.now();
    const behind = await devicesBehind(db, latest.version);
    // "Connected": here, or (on another instance) heard from within the offline window, as the device list says.
    const offline = behind.filter((d) => isUnreachable({ ...d, connected: deps.registry.isConnected(d.id) }, now, latest.heartbeatSeconds));
    const online = behind.filter((d) => !offline.includes(d));
    return {
      latestVersion: latest.version,
      versions: await devicesPerPolicyVersion(db),
      pending: online.map((d) => ({ deviceId: d.id, hostname: d.hostname, appliedVersion: d.policyVersion })),
      offline: offline.map((d) => ({ deviceId: d.id, hostname: d.hostname, appliedVersion: d.policyVersion, lastSeen: d.lastSeen })),
    };
  });
}

async function newestPolicy(deps: ApiDeps): Promise<{ policy: Policy }> {
  const stored = await latestPolicy(deps.store.db);
  if (stored === undefined) throw new AppError("unavailable", "no policy is stored yet; the server seeds one at start");
  return stored;
}
