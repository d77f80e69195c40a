// shared/policy.schema.json against the zod schema the server and the agent validate with: on a corpus of valid and
// invalid documents, ajv (a standard JSON Schema validator, as editors use) and zod must give the same verdict.
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { PolicyUpdate } from "./api.js";
import { DEFAULT_POLICY } from "./default-policy.js";
import { PolicyFile } from "./policy.js";

const schema = JSON.parse(readFileSync(new URL("../policy.schema.json", import.meta.url), "utf8")) as Record<string, unknown>;
const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
addFormats.default(ajv);
const validate = ajv.compile(schema);

const base = { version: 1, screenLock: {}, usbStorage: {}, software: {} };
const withRule = (rule: object) => ({ ...base, software: { deny: [rule] } });
const withException = (exception: object) => ({ ...base, usbStorage: { exceptions: [exception] } });

const VALID: [string, unknown][] = [
  ["the default policy as the server stores it", JSON.parse(JSON.stringify(DEFAULT_POLICY))],
  ["a minimal document (defaults filled in)", base],
  ["a $schema link, as editors write it", { $schema: "../shared/policy.schema.json", ...base }],
  ["a USB exception by vendor id", withException({ vendorId: "0781" })],
  ["a USB exception by serial", withException({ serial: "4C530001", note: "backup disk" })],
  ["a USB id with 0x and fewer digits", withException({ vendorId: "0x781", productId: "55AB" })],
  ["a rule by publisher only", withRule({ publisher: "Offensive Security*" })],
  ["a rule with a version range", withRule({ name: "nmap", version: ">= 1.2, < 2.0" })],
  ["a surrogate pair (an emoji) in a reason", withRule({ name: "x", reason: "bad 😀 tool" })],
  ["an allowlist in allowlist mode", { ...base, software: { mode: "allowlist", allow: [{ source: "dpkg", origin: "Debian" }] } }],
];

const INVALID: [string, unknown][] = [
  ["a rule that names nothing to match", withRule({ reason: "no matcher" })],
  ["a rule with only an id and a category", withRule({ id: "r1", category: "sniffer" })],
  ["a USB exception with only a product id", withException({ productId: "55ab" })],
  ["a USB exception with only a note", withException({ note: "someone's stick" })],
  ["a control character in a pattern", withRule({ name: "nm\u0001ap" })],
  ["a DEL character in a pattern", withRule({ name: "nmap\u007f" })],
  ["a lone surrogate in a pattern", withRule({ name: "nm\ud800ap" })],
  ["a NUL in a reason", withRule({ name: "x", reason: "a\u0000b" })],
  ["a lone surrogate in a serial", withException({ serial: "\udc00" })],
  ["an empty pattern", withRule({ name: "" })],
  ["a USB id that is not hex", withException({ vendorId: "xyz" })],
  ["a USB id of five digits", withException({ vendorId: "07811" })],
  ["an unknown key", { ...base, colour: "red" }],
  ["an unknown key in a rule", withRule({ name: "x", nmae: "y" })],
  ["a negative version", { ...base, version: -1 }],
  ["a heartbeat below 5 s", { ...base, heartbeatSeconds: 4 }],
  ["an enforcement the agent does not know", { ...base, usbStorage: { enforce: "shred" } }],
  ["a version range in words", withRule({ name: "x", version: "about 7" })],
  ["a $schema that is not a string", { $schema: 7, ...base }],
  ["no screenLock", { version: 1, usbStorage: {}, software: {} }],
];

describe("shared/policy.schema.json agrees with the server's validation", () => {
  it.each(VALID)("accepts %s, as zod does", (_name, doc) => {
    expect(PolicyFile.safeParse(doc).success).toBe(true);
    expect(PolicyUpdate.safeParse(doc).success).toBe(true);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each(INVALID)("refuses %s, as zod does", (_name, doc) => {
    expect(PolicyFile.safeParse(doc).success).toBe(false);
    expect(PolicyUpdate.safeParse(doc).success).toBe(false);
    expect(validate(doc)).toBe(false);
  });

  it("drops the $schema link from the policy it reads", () => {
    const parsed = PolicyFile.parse({ $schema: "https://wegroup.example/schemas/compliance-policy.json", ...base });
    expect(parsed).not.toHaveProperty("$schema");
    expect(parsed.screenLock.maxIdleSeconds).toBe(900);
  });
});
