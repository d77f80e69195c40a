import { describe, expect, it } from "vitest";
import { DEFAULT_DENIED_TOOLS, DEFAULT_POLICY } from "./default-policy.js";
import { describeZodError } from "./errors.js";
import { Policy, policyJsonSchema } from "./policy.js";

describe("Policy schema", () => {
  it("fills the defaults of a minimal document", () => {
    const policy = Policy.parse({ version: 3, screenLock: {}, usbStorage: {}, software: {} });
    expect(policy.screenLock).toEqual({ maxIdleSeconds: 900, requirePassword: true });
    expect(policy.usbStorage).toEqual({ allowed: false, enforce: "report", exceptions: [] });
    expect(policy.software.mode).toBe("allowlist");
    expect(policy.heartbeatSeconds).toBe(60);
  });

  it.each([
    [{ software: { deny: [{}, {}, {}, { name: 3 }] } }, "software.deny[3].name"],
    [{ software: { deny: [{ version: "about 7" }] } }, "software.deny[0].version"],
    [{ screenLock: { maxIdleSecond: 900 } }, "screenLock"],
    [{ usbStorage: { enforce: "shred" } }, "usbStorage.enforce"],
    [{ usbStorage: { exceptions: [{ vendorId: "xyz" }] } }, "usbStorage.exceptions[0].vendorId"],
    [{ version: -1 }, "version"],
  ])("names the offending field of an invalid document (%j)", (patch, field) => {
    const base = { version: 1, screenLock: {}, usbStorage: {}, software: {} };
    const merged = { ...base, ...patch, software: { ...(patch as { software?: object }).software } };
    const result = Policy.safeParse(merged);
    expect(result.success).toBe(false);
    if (!result.success) expect(describeZodError(result.error)).toContain(field);
  });

  it("normalises USB ids to four lowercase hex digits", () => {
    const policy = Policy.parse({
      version: 1,
      screenLock: {},
      software: {},
      usbStorage: { exceptions: [{ vendorId: "0x781", productId: "55AB" }] },
    });
    expect(policy.usbStorage.exceptions[0]).toMatchObject({ vendorId: "0781", productId: "55ab" });
  });

  it("accepts version ranges with several comparators", () => {
    for (const version of [">=7.0 <8", "<7.94", "=4.5", ">= 1.2, < 2.0", "!=1:2.3-4"]) {
      expect(Policy.safeParse({ version: 1, screenLock: {}, usbStorage: {}, software: { deny: [{ name: "x", version }] } }).success).toBe(
        true,
      );
    }
  });

  it("exports a JSON Schema that describes the document", () => {
    const schema = policyJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(["version", "screenLock", "usbStorage", "software", "heartbeatSeconds"]),
    );
    expect(schema.required).toContain("version");
  });
});

describe("the built-in default policy", () => {
  it("encodes WeGroup's policy: 900 s with a password, no USB storage", () => {
    expect(DEFAULT_POLICY.screenLock).toEqual({ maxIdleSeconds: 900, requirePassword: true });
    expect(DEFAULT_POLICY.usbStorage.allowed).toBe(false);
  });

  it("denies at least 25 well-known offensive tools", () => {
    expect(DEFAULT_DENIED_TOOLS.length).toBeGreaterThanOrEqual(25);
    for (const tool of [
      "nmap",
      "zenmap",
      "masscan",
      "wireshark",
      "tshark",
      "tcpdump",
      "ettercap",
      "bettercap",
      "john",
      "hashcat",
      "hydra",
      "medusa",
      "aircrack-ng",
      "kismet",
      "metasploit",
      "sqlmap",
      "nikto",
      "responder",
      "mimikatz",
    ]) {
      expect(DEFAULT_DENIED_TOOLS).toContain(tool);
      expect(DEFAULT_POLICY.software.deny.some((r) => r.id === tool)).toBe(true);
    }
  });

  it("survives the JSON round trip the server stores and the agent caches: its JSON parses back to the same policy", () => {
    // DEFAULT_POLICY is itself a parse result, so re-parsing the object proves nothing; its JSON text must come back unchanged.
    const json = JSON.parse(JSON.stringify(DEFAULT_POLICY)) as unknown;
    const parsed = Policy.safeParse(json);
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
    expect(parsed.data).toEqual(DEFAULT_POLICY);
  });
});

describe("shared/policy.schema.json", () => {
  it("is the JSON Schema generated from the zod schema (regenerate with npm run schema)", async () => {
    const { readFile } = await import("node:fs/promises");
    const onDisk = JSON.parse(await readFile(new URL("../policy.schema.json", import.meta.url), "utf8")) as Record<string, unknown>;
    const { $id: _id, title: _title, ...rest } = onDisk;
    expect(rest).toEqual(JSON.parse(JSON.stringify(policyJsonSchema())));
  });
});
