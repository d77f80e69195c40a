import { verify, createPublicKey } from "node:crypto";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { helloProofText } from "@wegroup/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadDeviceKey, newDeviceKey, saveDeviceKey } from "./device-key.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "agent-key-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the device key", () => {
  it("is stored 0600 and signs the hello proof text so that its public half verifies it", async () => {
    const file = join(dir, "device-key.pem");
    const made = newDeviceKey();
    await saveDeviceKey(file, made.pem);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const loaded = await loadDeviceKey(file);
    expect(loaded?.publicKey).toBe(made.key.publicKey);
    const signature = loaded?.signHello("nonce-1", "device-1") ?? "";
    const publicKey = createPublicKey({ key: Buffer.from(made.key.publicKey, "base64url"), format: "der", type: "spki" });
    expect(verify(null, Buffer.from(helloProofText("nonce-1", "device-1")), publicKey, Buffer.from(signature, "base64url"))).toBe(true);
    expect(verify(null, Buffer.from(helloProofText("nonce-2", "device-1")), publicKey, Buffer.from(signature, "base64url"))).toBe(false);
  });

  it("is absent (undefined) for a device enrolled before keys", async () => {
    expect(await loadDeviceKey(join(dir, "device-key.pem"))).toBeUndefined();
  });

  it.each([
    [
      "a truncated file",
      "-----BEGIN PRIVATE KEY-----\nMC4CAQAw",
      /is damaged \(not a PEM private key\)\. Enroll again: compliance-agent enroll/,
    ],
    ["another kind of key", "", /is damaged \(a rsa key, expected Ed25519\)/],
  ])("names the file and what to do when it holds %s", async (_name, content, message) => {
    const file = join(dir, "device-key.pem");
    const text =
      content !== ""
        ? content
        : (await import("node:crypto"))
            .generateKeyPairSync("rsa", { modulusLength: 1024 })
            .privateKey.export({ format: "pem", type: "pkcs8" })
            .toString();
    await writeFile(file, text, { mode: 0o600 });
    await expect(loadDeviceKey(file)).rejects.toThrow(message);
    await expect(loadDeviceKey(file)).rejects.toThrow(file);
  });
});
