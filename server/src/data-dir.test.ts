import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { prepareDataDir } from "./data-dir.js";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "compliance-datadir-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("prepareDataDir", () => {
  it("creates the dir and writes the admin token and enroll secret with mode 0600 on first start", async () => {
    const dir = path.join(root, "nested", "data");
    const secrets = await prepareDataDir(dir);
    expect(secrets.created).toEqual([path.join(dir, "admin-token"), path.join(dir, "enroll-secret")]);
    for (const file of secrets.created) expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await readFile(secrets.adminTokenPath, "utf8")).trim()).toBe(secrets.adminToken);
    expect(secrets.adminToken).not.toBe(secrets.enrollSecret);
  });

  it("reuses the files on later starts", async () => {
    const first = await prepareDataDir(root);
    const again = await prepareDataDir(root);
    expect(again.created).toEqual([]);
    expect([again.adminToken, again.enrollSecret]).toEqual([first.adminToken, first.enrollSecret]);
  });

  it("reads a secret an operator wrote, trimming the newline", async () => {
    await writeFile(path.join(root, "enroll-secret"), "operator-chosen-secret-value\n", { mode: 0o600 });
    expect((await prepareDataDir(root)).enrollSecret).toBe("operator-chosen-secret-value");
  });

  it("refuses an empty or too short secret file instead of trusting it", async () => {
    await writeFile(path.join(root, "admin-token"), "\n", { mode: 0o600 });
    await expect(prepareDataDir(root)).rejects.toThrow(/admin-token holds no usable secret/);
  });

  it("reports secret files others can read", async () => {
    const secrets = await prepareDataDir(root);
    await chmod(secrets.enrollSecretPath, 0o644);
    expect((await prepareDataDir(root)).exposed).toEqual([secrets.enrollSecretPath]);
  });
});
