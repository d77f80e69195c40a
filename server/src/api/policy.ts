// /api/v1/policy: the current document (viewer), replacing it (admin, pushed at once), its history and its rollout.
import { AppError, Policy, PolicyHistory, PolicyHistoryQuery, PolicyRollout, PolicyStored, PolicyUpdate } from "@wegroup/shared";
import { isOffline } from "../devices/status.js";
import { storeNextPolicy } from "../policy/update.js";
import { devicesBehind, devicesPerPolicyVersion, latestPolicy, policyHistory as policyHistoryRows } from "../store/policies.js";
import type { ApiDeps } from "./deps.js";
import { defineRoute } from "./route.js";

// From storage, not memory: another instance may have stored a newer version a moment ago.
export const getPolicy = defineRoute(
  {
    method: "GET",
    path: "/api/v1/policy",
    access: "viewer",
    operationId: "getPolicy",
    tags: ["policy"],
    summary: "the current policy document with its version",
    ok: { status: 200, schema: Policy },
    errors: [],
  },
  (deps) => async () => (await newestPolicy(deps)).policy,
);

export const putPolicy = defineRoute(
  {
    method: "PUT",
    path: "/api/v1/policy",
    access: "admin",
    operationId: "putPolicy",
    tags: ["policy"],
    summary: "replace the policy: validated, stored as the next version (the body's version is ignored), pushed to every connected agent at once",
    body: PolicyUpdate,
    bodyError: "invalid_policy",
    ok: { status: 200, schema: PolicyStored },
    errors: [400, 413],
  },
  (deps) =>
    async ({ body, req }) => {
      const { version: _ignored, $schema: _editorLink, ...document } = body;
      const author = req.identity?.name ?? "unknown";
      const change = await storeNextPolicy(deps.store.db, document, author, deps.clock.now().toISOString());
      const agents = await deps.policyPush.published(change.policy);
      req.log.info({ policyVersion: change.policy.version, author, summary: change.summary, agents }, "policy replaced");
      return { version: change.policy.version };
    },
);

export const policyHistory = defineRoute(
  {
    method: "GET",
    path: "/api/v1/policy/history",
    access: "viewer",
    operationId: "policyHistory",
    tags: ["policy"],
    summary: "policy versions newest first, with author, time and a summary of what changed",
    query: PolicyHistoryQuery,
    ok: { status: 200, schema: PolicyHistory },
    errors: [400],
  },
  (deps) =>
    async ({ query }) => {
      const rows = await policyHistoryRows(deps.store.db, query.limit);
      return { items: rows.map((r) => ({ version: r.version, author: r.author, createdAt: r.createdAt, summary: r.summary ?? "" })) };
    },
);

export const policyRollout = defineRoute(
  {
    method: "GET",
    path: "/api/v1/policy/rollout",
    access: "viewer",
    operationId: "policyRollout",
    tags: ["policy"],
    summary: "devices per policy version, and the connected ones that have not applied the newest",
    ok: { status: 200, schema: PolicyRollout },
    errors: [],
  },
  (deps) => async () => {
    const latest = (await newestPolicy(deps)).policy;
    const now = deps.clock.now();
    const behind = await devicesBehind(deps.store.db, latest.version);
    // "Connected": here, or (on another instance) heard from within the offline window, as the device list says.
    const online = behind.filter((d) => !isOffline({ lastSeen: d.lastSeen, connected: deps.registry.isConnected(d.id) }, now, latest.heartbeatSeconds));
    return {
      latestVersion: latest.version,
      versions: await devicesPerPolicyVersion(deps.store.db),
      pending: online.map((d) => ({ deviceId: d.id, hostname: d.hostname, appliedVersion: d.policyVersion })),
    };
  },
);

async function newestPolicy(deps: ApiDeps): Promise<{ policy: Policy }> {
  const stored = await latestPolicy(deps.store.db);
  if (stored === undefined) throw new AppError("unavailable", "no policy is stored yet; the server seeds one at start");
  return stored;
}
