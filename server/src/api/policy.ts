// /api/v1/policy: the current document (viewer), replacing it (admin, pushed at once), its history and its rollout.
import {
  AppError,
  Policy,
  PolicyHistory,
  PolicyHistoryQuery,
  PolicyPreview,
  PolicyRollout,
  PolicyStored,
  PolicyUpdate,
  PolicyVersionDocument,
  PolicyVersionParams,
} from "@wegroup/shared";
import { isUnreachable } from "../devices/status.js";
import { storeNextPolicy } from "../policy/update.js";
import {
  devicesBehind,
  devicesPerPolicyVersion,
  latestPolicy,
  policyHistory as policyHistoryRows,
  policyVersion as policyVersionRow,
} from "../store/policies.js";
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
    summary:
      "replace the policy: validated, stored as the next version (the body's version is ignored), pushed to every connected agent at once",
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
    summary: "devices per policy version, the connected ones that have not applied the newest, and the offline ones on an older version",
    ok: { status: 200, schema: PolicyRollout },
    errors: [],
  },
  (deps) => async () => {
    const latest = (await newestPolicy(deps)).policy;
    const now = deps.clock.now();
    const behind = await devicesBehind(deps.store.db, latest.version);
    // "Connected": here, or (on another instance) heard from within the offline window and not stopped since.
    const offline = behind.filter((d) => isUnreachable({ ...d, connected: deps.registry.isConnected(d.id) }, now, latest.heartbeatSeconds));
    const online = behind.filter((d) => !offline.includes(d));
    return {
      latestVersion: latest.version,
      versions: await devicesPerPolicyVersion(deps.store.db),
      pending: online.map((d) => ({ deviceId: d.id, hostname: d.hostname, appliedVersion: d.policyVersion })),
      offline: offline.map((d) => ({ deviceId: d.id, hostname: d.hostname, appliedVersion: d.policyVersion, lastSeen: d.lastSeen })),
    };
  },
);

export const policyVersion = defineRoute(
  {
    method: "GET",
    path: "/api/v1/policy/history/{version}",
    access: "viewer",
    operationId: "policyVersion",
    tags: ["policy"],
    summary: "one stored policy version: its whole document with author, time and summary",
    params: PolicyVersionParams,
    ok: { status: 200, schema: PolicyVersionDocument },
    errors: [400, 404],
  },
  (deps) =>
    async ({ params: { version } }) => {
      const stored = await policyVersionRow(deps.store.db, version);
      if (stored === undefined) throw new AppError("not_found", `no policy version ${version}`);
      return stored;
    },
);

/** How long a preview waits for the connected agents' answers ("within seconds"). */
export const PREVIEW_WAIT_MS = 3_000;

export const previewPolicy = defineRoute(
  {
    method: "POST",
    path: "/api/v1/policy/preview",
    access: "admin",
    operationId: "previewPolicy",
    tags: ["policy"],
    summary:
      "a candidate policy judged by every connected agent without applying it: how many violations it would open and resolve, by title, check and device; devices that did not answer within 3 s count as not previewed",
    body: PolicyUpdate,
    bodyError: "invalid_policy",
    ok: { status: 200, schema: PolicyPreview },
    errors: [400, 413],
  },
  (deps) =>
    async ({ body, req }) => {
      const { version: _ignored, ...document } = body;
      const current = (await newestPolicy(deps)).policy;
      const answer = await deps.previews.preview({ ...document, version: current.version }, PREVIEW_WAIT_MS);
      req.log.info(
        { devices: answer.devices, notPreviewed: answer.notPreviewed, opened: answer.opened.length, resolved: answer.resolved.length },
        "policy previewed",
      );
      return answer;
    },
);

async function newestPolicy(deps: ApiDeps): Promise<{ policy: Policy }> {
  const stored = await latestPolicy(deps.store.db);
  if (stored === undefined) throw new AppError("unavailable", "no policy is stored yet; the server seeds one at start");
  return stored;
}
