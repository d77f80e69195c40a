// Runs one `compliance-server admin` task directly on the server's database, as actor "cli".
import { access, writeFile } from "node:fs/promises";
import { AppError, TokenCreate } from "@wegroup/shared";
import { reconcileDataDir } from "../auth/instance-secrets.js";
import { DEFAULT_GRACE_HOURS, rotateAdminToken, rotateEnrollSecret } from "../auth/secret-rotation.js";
import { issueToken, revokeTokenAudited } from "../auth/token-admin.js";
import { publishFromOutside } from "../cluster/bus.js";
import { writeSecretFile } from "../data-dir.js";
import { type Clock, systemClock } from "../clock.js";
import { type Config, redactUrl } from "../config.js";
import { monotonicIds } from "../ids.js";
import { exportAuditTarget, privacyTarget } from "../api/privacy.js";
import { erasePrivacyData } from "../privacy/erase.js";
import { exportCounts, exportPrivacyData } from "../privacy/export.js";
import { pruneNow } from "../privacy/retention.js";
import { recordAudit } from "../store/audit.js";
import { migrateToLatest, openStore, type Store } from "../store/db.js";
import { oldestRetained } from "../store/retention.js";
import { listTokens } from "../store/tokens.js";
import type { AdminTask } from "./admin.js";

export const CLI_ACTOR = "cli";

export interface AdminIo {
  /** One line of the answer (stdout). */
  out(line: string): void;
  /** One line for the person, not the answer (stderr). */
  note(line: string): void;
}

export async function runAdminTask(task: AdminTask, config: Config, io: AdminIo, clock: Clock = systemClock): Promise<void> {
  const store = await openExisting(config);
  try {
    await run(task, store, config, io, clock);
  } finally {
    await store.close();
  }
}

/** The admin commands work on the server's database: they do not make a new, empty one by mistake. */
async function openExisting(config: Config): Promise<Store> {
  const target = config.database;
  if (target.kind === "sqlite" && target.path !== ":memory:") {
    try {
      await access(target.path);
    } catch {
      throw new AppError(
        "not_found",
        `no database at ${target.path}: start the server once with this --data-dir, or point --db at its database`,
      );
    }
  }
  const store = openStore(target);
  try {
    // The server may be older than this command line: bring the schema up to date the way it would.
    await migrateToLatest(store);
  } catch (error) {
    await store.close().catch(() => {});
    const where = target.kind === "sqlite" ? target.path : redactUrl(target.url);
    throw new AppError("unavailable", `cannot open the database ${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return store;
}

async function run(task: AdminTask, store: Store, config: Config, io: AdminIo, clock: Clock): Promise<void> {
  const now = clock.now().toISOString();
  switch (task.kind) {
    case "tokens-create": {
      const parsed = TokenCreate.safeParse({ name: task.name, role: task.role });
      if (!parsed.success) throw new AppError("bad_request", `--name: ${parsed.error.issues[0]?.message ?? "invalid"}`);
      const created = await issueToken(store.db, { id: monotonicIds(clock)(), ...parsed.data, actor: CLI_ACTOR, now });
      if (task.json) io.out(JSON.stringify(created));
      else io.out(created.token);
      io.note(`created ${created.role} token "${created.name}" (id ${created.id}); it is shown only this once: store it now`);
      return;
    }
    case "tokens-list": {
      const tokens = await listTokens(store.db);
      if (task.json) {
        io.out(JSON.stringify({ items: tokens }));
        return;
      }
      for (const line of table(
        ["ID", "NAME", "ROLE", "CREATED", "REVOKED"],
        tokens.map((t) => [t.id, t.name, t.role, t.createdAt, t.revokedAt ?? "-"]),
      ))
        io.out(line);
      return;
    }
    case "tokens-revoke":
      await revokeTokenAudited(store.db, task.id, { actor: CLI_ACTOR, now }).catch((error: unknown) => {
        if (error instanceof AppError && error.code === "not_found") {
          throw new AppError("not_found", `no live token ${task.id}; see the ids with: compliance-server admin tokens list`);
        }
        throw error;
      });
      // Running instances on PostgreSQL close the token's live-feed streams now; on SQLite within their re-check interval.
      if (store.dialect === "postgres") await publishFromOutside(store.db, "token", task.id).catch(() => {});
      io.out(`revoked token ${task.id}`);
      return;
    case "enroll-secret-rotate": {
      const graceHours = parseGraceHours(task.graceHours);
      // Registers this data dir's files first if no server has yet, so that its current secret gets the grace period too.
      const files = await reconcileDataDir(store.db, config.dataDir, now);
      const rotated = await rotateEnrollSecret(store.db, { graceHours, actor: CLI_ACTOR, now: clock.now() });
      await writeSecretFile(files.enrollSecretPath, rotated.value);
      io.out(`enrollment secret rotated: the new one is in ${files.enrollSecretPath} (mode 0600)`);
      io.note(
        graceHours === 0
          ? "the previous secret is refused from now on, and so are other instances' enroll-secret files; enrolled agents are not affected"
          : `the previous secret is still accepted until ${rotated.previousValidUntil}, and so are other instances' enroll-secret files; enrolled agents are not affected`,
      );
      io.note(
        "the database keeps only hashes: other instances' files keep their old secret (each makes a new one at its next start after the grace period); enroll agents with the new one from this file",
      );
      return;
    }
    case "admin-token-rotate": {
      const files = await reconcileDataDir(store.db, config.dataDir, now);
      const rotated = await rotateAdminToken(store.db, {
        current: files.adminToken,
        name: files.adminTokenName,
        actor: CLI_ACTOR,
        now: clock.now(),
      });
      await writeSecretFile(files.adminTokenPath, rotated.value);
      // Running instances on PostgreSQL close the old token's live-feed streams now; on SQLite within their re-check interval.
      if (rotated.revokedId !== undefined && store.dialect === "postgres")
        await publishFromOutside(store.db, "token", rotated.revokedId).catch(() => {});
      io.out(
        `admin token rotated: the new one is in ${files.adminTokenPath} (mode 0600); the old one no longer works (other data dirs' tokens are unchanged)`,
      );
      return;
    }
    case "export": {
      const target = privacyTarget(subjectOf(task));
      const doc = await exportPrivacyData(store, target, now);
      if (doc === undefined) throw new AppError("not_found", `no device ${task.device ?? ""}; the device ids are in GET /api/v1/devices`);
      await recordAudit(store.db, {
        at: now,
        actor: CLI_ACTOR,
        action: "privacy.export",
        target: exportAuditTarget(target),
        detail: { counts: exportCounts(doc) },
      });
      const text = JSON.stringify(doc, null, 2);
      if (task.out === undefined) io.out(text);
      else {
        await writeFile(task.out, `${text}\n`, { mode: 0o600 });
        io.note(`wrote ${task.out} (mode 0600): it holds personal data`);
      }
      return;
    }
    case "erase": {
      const target = privacyTarget(subjectOf(task));
      const erased = await erasePrivacyData(store, target, { actor: CLI_ACTOR, now });
      if (erased === undefined)
        throw new AppError("not_found", `no device ${task.device ?? ""}; the device ids are in GET /api/v1/devices`);
      if (task.json) io.out(JSON.stringify(erased));
      else {
        const counts = Object.entries(erased.counts)
          .map(([table, n]) => `${table} ${n}`)
          .join(", ");
        io.out(
          target.kind === "device"
            ? `erased device ${target.id}: deleted ${counts}`
            : `erased user: the name is now ${erased.pseudonym ?? "?"} in ${counts}`,
        );
        if (target.kind === "device")
          io.note("a running agent of this device is refused at its next connection; enroll it again to keep checking it");
      }
      return;
    }
    case "retention": {
      const { cutoff, counts } = await pruneNow(store.db, config.retentionDays, clock, CLI_ACTOR);
      const oldest = await oldestRetained(store.db);
      if (task.json) {
        io.out(JSON.stringify({ retentionDays: config.retentionDays, cutoff, deleted: counts, oldest }));
        return;
      }
      io.out(
        `retention: ${config.retentionDays} days (--retention-days / COMPLIANCE_RETENTION_DAYS); the server prunes at start and hourly`,
      );
      io.out(
        `deleted now, older than ${cutoff}: ${counts.reports} reports, ${counts.violations} resolved violations, ${counts.events} events, ${counts.audit} audit entries`,
      );
      io.out(
        `oldest kept: reports ${oldest.reports ?? "-"}, resolved violations ${oldest.violations ?? "-"}, events ${oldest.events ?? "-"}, audit ${oldest.audit ?? "-"}`,
      );
      return;
    }
  }
}

function subjectOf(task: { device?: string | undefined; user?: string | undefined }): { device?: string; user?: string } {
  if ((task.device === undefined) === (task.user === undefined))
    throw new AppError("bad_request", "give exactly one of --device ID or --user NAME");
  if (task.device !== undefined && (task.device === "" || task.device.length > 64))
    throw new AppError("bad_request", "--device: expected a device id");
  if (task.user !== undefined && (task.user === "" || task.user.length > 300))
    throw new AppError("bad_request", "--user: expected a user name of 1-300 characters");
  return task.device !== undefined ? { device: task.device } : { user: task.user ?? "" };
}

function parseGraceHours(value: string | undefined): number {
  if (value === undefined) return DEFAULT_GRACE_HOURS;
  const hours = /^\s*\d{1,4}\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(hours) || hours > 8_760)
    throw new AppError("bad_request", `--grace-hours: expected a whole number of hours from 0 to 8760, got "${value}"`);
  return hours;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
