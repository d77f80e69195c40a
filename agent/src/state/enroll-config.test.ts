import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import plist from "plist";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { enrollConfigSources, forgetEnrollSecret, loadEnrollConfig, parseEnrollConfig, type EnrollConfigSource } from "./enroll-config.js";

const json = (path = "/etc/compliance-agent/enroll.json"): EnrollConfigSource => ({ path, kind: "json" });
const managed: EnrollConfigSource = { path: "/Library/Managed Preferences/nl.wegroup.compliance.plist", kind: "plist" };

describe("enrollConfigSources", () => {
  it.each([
    ["linux", {}, ["/etc/compliance-agent/enroll.json"]],
    [
      "darwin",
      {},
      ["/Library/Managed Preferences/nl.wegroup.compliance.plist", "/Library/Application Support/ComplianceAgent/enroll.json"],
    ],
    ["win32", { ProgramData: "D:\\PD" }, [join("D:\\PD", "ComplianceAgent", "enroll.json")]],
    ["win32", {}, [join("C:\\ProgramData", "ComplianceAgent", "enroll.json")]],
    ["darwin", { COMPLIANCE_AGENT_ENROLL_CONFIG: "/tmp/x.json" }, ["/tmp/x.json"]],
    ["linux", { COMPLIANCE_AGENT_ENROLL_CONFIG: "" }, ["/etc/compliance-agent/enroll.json"]],
  ] as const)("%s %j → %j", (platform, env, paths) => {
    expect(enrollConfigSources(platform, env).map((s) => s.path)).toEqual(paths);
  });

  it("reads an overriding .plist path as managed preferences", () => {
    expect(enrollConfigSources("linux", { COMPLIANCE_AGENT_ENROLL_CONFIG: "/t/p.plist" })).toEqual([{ path: "/t/p.plist", kind: "plist" }]);
  });
});

describe("parseEnrollConfig", () => {
  it("takes server, secret and an optional CA from the installer's JSON", () => {
    const bytes = Buffer.from('{"server":"https://c.example:8443","secret":"s3cret","ca":"/etc/ca.pem"}');
    expect(parseEnrollConfig(bytes, json())).toEqual({
      server: "https://c.example:8443",
      secret: "s3cret",
      ca: "/etc/ca.pem",
      source: json(),
    });
  });

  it("answers undefined for a file whose secret was already used (only the server left)", () => {
    expect(parseEnrollConfig(Buffer.from('{"server":"https://c.example"}'), json())).toBeUndefined();
  });

  it("takes ServerURL and EnrollSecret from managed preferences (XML plist)", () => {
    const bytes = Buffer.from(plist.build({ ServerURL: "https://c.example", EnrollSecret: "abc", Other: 1 }));
    expect(parseEnrollConfig(bytes, managed)).toEqual({ server: "https://c.example", secret: "abc", source: managed });
  });

  it.each([
    ["not JSON", "{server:", /enroll\.json is not JSON \(.+\); write \{"server"/],
    ["no server", '{"secret":"x"}', /enroll\.json: server: .+; it needs \{"server"/],
    ["a server that is not a URL", '{"server":"c.example","secret":"x"}', /enroll\.json: server: /],
    ["an empty secret", '{"server":"https://c.example","secret":""}', /enroll\.json: secret: /],
  ])("names the file and the field for %s", (_name, text, message) => {
    expect(() => parseEnrollConfig(Buffer.from(text), json())).toThrow(message);
  });

  it("names the plist key that is wrong", () => {
    const bytes = Buffer.from(plist.build({ ServerURL: 42, EnrollSecret: "abc" }));
    expect(() => parseEnrollConfig(bytes, managed)).toThrow(
      /nl\.wegroup\.compliance\.plist: ServerURL: .+; it needs ServerURL and EnrollSecret/,
    );
  });
});

describe("loadEnrollConfig and forgetEnrollSecret", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "agent-enroll-config-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("skips missing files and used ones, takes the first with a secret, then keeps only its server (0600)", async () => {
    const used = join(dir, "used.json");
    const fresh = join(dir, "fresh.json");
    await writeFile(used, '{"server":"https://old.example"}');
    await writeFile(fresh, '{"server":"https://c.example","secret":"s3cret"}', { mode: 0o644 });
    const config = await loadEnrollConfig([json(join(dir, "missing.json")), json(used), json(fresh)]);
    expect(config).toEqual({ server: "https://c.example", secret: "s3cret", source: json(fresh) });
    await forgetEnrollSecret(json(fresh));
    expect(JSON.parse(await readFile(fresh, "utf8"))).toEqual({ server: "https://c.example" });
    expect((await stat(fresh)).mode & 0o777).toBe(0o600);
    expect(await loadEnrollConfig([json(fresh)])).toBeUndefined();
  });

  it("leaves managed preferences alone (they belong to the MDM)", async () => {
    const file = join(dir, "nl.wegroup.compliance.plist");
    const text = plist.build({ ServerURL: "https://c.example", EnrollSecret: "abc" });
    await writeFile(file, text);
    await forgetEnrollSecret({ path: file, kind: "plist" });
    expect(await readFile(file, "utf8")).toBe(text);
  });
});
