// Silent enrollment: the configuration an installer or an MDM leaves for the service (server URL + enrollment
// secret). `run` reads it when the device has no credential yet, enrolls, then removes the secret from the file.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Platform } from "@wegroup/shared";
import { z } from "zod";
import { decodePlist, expectDict } from "../platform/darwin/plist.js";
import { writeFileDurably } from "./files.js";

/** `{"server": URL, "secret": SECRET}`; once enrolled only `server` is left. */
export const EnrollConfigFile = z
  .object({
    server: z.url(),
    secret: z.string().min(1).optional(),
    ca: z.string().min(1).optional(),
  })
  .loose();
export type EnrollConfigFile = z.infer<typeof EnrollConfigFile>;

export interface EnrollConfigSource {
  path: string;
  /** json: the file an installer writes (its secret is removed after enrolling); plist: MDM managed preferences (read-only to us). */
  kind: "json" | "plist";
}

export interface EnrollConfig {
  server: string;
  secret: string;
  ca?: string;
  source: EnrollConfigSource;
}

/** Where the enrollment configuration is looked for, first match wins. `COMPLIANCE_AGENT_ENROLL_CONFIG` replaces the list. */
export function enrollConfigSources(platform: Platform, env: NodeJS.ProcessEnv): EnrollConfigSource[] {
  const override = env.COMPLIANCE_AGENT_ENROLL_CONFIG;
  if (override !== undefined && override !== "") return [{ path: override, kind: override.endsWith(".plist") ? "plist" : "json" }];
  if (platform === "darwin")
    return [
      { path: "/Library/Managed Preferences/nl.wegroup.compliance.plist", kind: "plist" },
      { path: "/Library/Application Support/ComplianceAgent/enroll.json", kind: "json" },
    ];
  if (platform === "win32") return [{ path: join(env.ProgramData ?? "C:\\ProgramData", "ComplianceAgent", "enroll.json"), kind: "json" }];
  return [{ path: "/etc/compliance-agent/enroll.json", kind: "json" }];
}

/** The configuration in a file's bytes, or undefined when it holds no secret (already used). Throws naming the file when malformed. */
export function parseEnrollConfig(bytes: Buffer, source: EnrollConfigSource): EnrollConfig | undefined {
  let fields: { server?: unknown; secret?: unknown; ca?: unknown };
  if (source.kind === "plist") {
    const dict = expectDict(decodePlist(bytes, source.path), source.path);
    fields = { server: dict.ServerURL, secret: dict.EnrollSecret, ca: dict.CAFile };
  } else {
    try {
      fields = JSON.parse(bytes.toString("utf8")) as typeof fields;
    } catch (error) {
      throw new Error(`${source.path} is not JSON (${(error as Error).message}); write {"server": "https://…", "secret": "…"}`);
    }
  }
  const parsed = EnrollConfigFile.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key =
      source.kind === "plist"
        ? { server: "ServerURL", secret: "EnrollSecret", ca: "CAFile" }[String(issue?.path[0])]
        : issue?.path.join(".");
    throw new Error(
      `${source.path}: ${key || "(root)"}: ${issue?.message ?? "invalid"}; it needs ${source.kind === "plist" ? "ServerURL and EnrollSecret" : '{"server": "https://…", "secret": "…"}'}`,
    );
  }
  const { server, secret, ca } = parsed.data;
  if (secret === undefined) return undefined;
  return { server, secret, ...(ca !== undefined ? { ca } : {}), source };
}

/** The first source that exists and still holds a secret; undefined when none does. */
export async function loadEnrollConfig(sources: readonly EnrollConfigSource[]): Promise<EnrollConfig | undefined> {
  for (const source of sources) {
    let bytes: Buffer;
    try {
      bytes = await readFile(source.path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") continue;
      throw new Error(
        `cannot read the enrollment configuration ${source.path} (${code ?? String(error)}); run as root (Administrator on Windows)`,
      );
    }
    const config = parseEnrollConfig(bytes, source);
    if (config !== undefined) return config;
  }
  return undefined;
}

/**
 * After a successful enrollment: the secret leaves the JSON file it came from (the server URL stays, to show
 * where the device enrolled). Managed preferences belong to the MDM and are left as they are.
 */
export async function forgetEnrollSecret(source: EnrollConfigSource): Promise<void> {
  if (source.kind !== "json") return;
  const json = JSON.parse(await readFile(source.path, "utf8")) as Record<string, unknown>;
  delete json.secret;
  await writeFileDurably(source.path, `${JSON.stringify(json, null, 2)}\n`, 0o600);
}
