// The migrations, in code (no files to find at run time), shared by SQLite and PostgreSQL.
import type { Kysely, Migration, MigrationProvider } from "kysely";
import type { Dialect } from "../db.js";
import * as initial from "./0001-initial.js";
import * as policyAuditPrivacy from "./0002-policy-audit-privacy.js";
import * as exemptionsSilent from "./0003-exemptions-silent.js";
import * as titlesPolicySent from "./0004-titles-policy-sent.js";
import * as deviceKeysSecrets from "./0005-device-keys-secrets.js";
import * as erasedUsers from "./0006-erased-users.js";
import * as agentRuns from "./0007-agent-runs.js";
import * as securityRole from "./0008-security-role.js";
import * as webhooksDeviceFacts from "./0009-webhooks-device-facts.js";
import * as policyPreviews from "./0010-policy-previews.js";
import * as readIndexes from "./0011-read-indexes.js";
import * as softwareTitlesIndex from "./0012-software-titles-index.js";

interface DialectMigration {
  up: (db: Kysely<unknown>, dialect: Dialect) => Promise<void>;
  down?: (db: Kysely<unknown>, dialect: Dialect) => Promise<void>;
}

/** Names sort in the order they apply. */
const MIGRATIONS: Readonly<Record<string, DialectMigration>> = {
  "0001-initial": initial,
  "0002-policy-audit-privacy": policyAuditPrivacy,
  "0003-exemptions-silent": exemptionsSilent,
  "0004-titles-policy-sent": titlesPolicySent,
  "0005-device-keys-secrets": deviceKeysSecrets,
  "0006-erased-users": erasedUsers,
  "0007-agent-runs": agentRuns,
  "0008-security-role": securityRole,
  "0009-webhooks-device-facts": webhooksDeviceFacts,
  "0010-policy-previews": policyPreviews,
  "0011-read-indexes": readIndexes,
  "0012-software-titles-index": softwareTitlesIndex,
};

export function migrationProvider(dialect: Dialect): MigrationProvider {
  return {
    getMigrations: () => {
      const out: Record<string, Migration> = {};
      for (const [name, m] of Object.entries(MIGRATIONS)) {
        const down = m.down;
        out[name] = {
          up: (db) => m.up(db, dialect),
          ...(down === undefined ? {} : { down: (db: Kysely<unknown>) => down(db, dialect) }),
        };
      }
      return Promise.resolve(out);
    },
  };
}
