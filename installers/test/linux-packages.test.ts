// The .deb and the .rpm: linted, the unit verified, the .deb installed for real with silent enrollment against a
// real server (systemd is not PID 1 here: the test starts the agent exactly as the unit's ExecStart says), upgraded
// in place keeping its credential, removed and purged leaving nothing; the .rpm's payload runs the same way.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CheckOutput, DeviceList } from "@wegroup/shared";
import { api, eventually, startServer, type TestServer } from "../../test/support/processes.js";
import { buildInstaller, difference, sh, tree, VERSION } from "./support.js";

const UNIT = "/lib/systemd/system/compliance-agent.service";
const STATE = "/var/lib/compliance-agent";
const CONFIG = "/etc/compliance-agent/enroll.json";
/** Trees compared before the install and after the purge; what other programs change on their own is left out. */
const ROOTS = [
  "/etc",
  "/usr/bin",
  "/usr/lib",
  "/usr/share/doc",
  "/usr/share/man/man1",
  "/usr/share/lintian",
  "/lib/systemd",
  "/var/lib",
  "/opt",
];
const SKIP = [
  "/var/lib/dpkg",
  "/var/lib/apt",
  "/var/lib/postgresql",
  "/var/lib/systemd",
  "/var/lib/ucf",
  "/var/lib/man-db",
  "/etc/ld.so.cache",
];

/** The unit's ExecStart and Environment, as systemd would run them. */
function serviceCommand(unit: string): { argv: string[]; env: Record<string, string> } {
  const exec = /^ExecStart=(.+)$/m.exec(unit)?.[1];
  if (exec === undefined) throw new Error("the unit has no ExecStart");
  const env: Record<string, string> = {};
  for (const line of unit.matchAll(/^Environment=(.+)$/gm)) {
    for (const pair of (line[1] ?? "").split(/\s+/)) {
      const [k, ...v] = pair.split("=");
      if (k !== undefined) env[k] = v.join("=");
    }
  }
  return { argv: exec.split(/\s+/), env };
}

function startAsUnit(unit: string, extraEnv: Record<string, string> = {}): ChildProcess & { text: () => string } {
  const { argv, env } = serviceCommand(unit);
  const child = spawn(argv[0] ?? "", argv.slice(1), {
    cwd: "/",
    env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", ...env, ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  child.stdout.on("data", (c: Buffer) => (text += c.toString()));
  child.stderr.on("data", (c: Buffer) => (text += c.toString()));
  return Object.assign(child, { text: () => text });
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

async function deviceFor(server: TestServer, host: string): Promise<{ id: string; status: string } | undefined> {
  const devices = await api(server, server.adminToken, "/api/v1/devices", DeviceList);
  return devices.body.items.find((d) => d.hostname === host && (d.status === "compliant" || d.status === "noncompliant"));
}

describe("the .deb", () => {
  let deb: string;
  let server: TestServer;
  let serverDir: string;
  let agent: (ChildProcess & { text: () => string }) | undefined;

  beforeAll(async () => {
    expect(process.getuid?.(), "the .deb is installed for real: run the installer tests as root (CI does)").toBe(0);
    expect(
      (await sh("dpkg", ["-s", "compliance-agent"])).code,
      "compliance-agent is already installed here: dpkg -P compliance-agent first",
    ).not.toBe(0);
    deb = await buildInstaller("deb");
    serverDir = await mkdtemp(join(tmpdir(), "wg-deb-server-"));
    server = await startServer({ dataDir: serverDir });
  });
  afterAll(async () => {
    await stopChild(agent);
    if ((await sh("dpkg", ["-s", "compliance-agent"])).code === 0) await sh("dpkg", ["-P", "compliance-agent"]);
    await server?.stop();
    await rm(serverDir, { recursive: true, force: true });
  });

  it("is named by the version, and lintian finds no error (overrides carry their reason)", async () => {
    expect(deb.endsWith(`compliance-agent_${VERSION}_amd64.deb`)).toBe(true);
    const lint = await sh("lintian", ["--fail-on", "error", "--tag-display-limit", "0", deb]);
    expect(lint.code, lint.stdout + lint.stderr).toBe(0);
    expect(lint.stdout).not.toMatch(/^E: /m);
    const overrides = await readFile(join(import.meta.dirname, "..", "deb", "lintian-overrides"), "utf8");
    // Each group of overrides sits under a comment giving the reason.
    const lines = overrides.split("\n");
    lines.forEach((line, i) => {
      if (!line.startsWith("compliance-agent:")) return;
      let above = i - 1;
      while (above >= 0 && lines[above]?.startsWith("compliance-agent:")) above--;
      expect(lines[above], `the override ${line} has a reason above it`).toMatch(/^# /);
    });
    const info = await sh("dpkg-deb", ["--info", deb]);
    expect(info.stdout).toMatch(/Depends: libc6 \(>= 2\.28\), libstdc\+\+6/);
    const contents = (await sh("dpkg-deb", ["--contents", deb])).stdout;
    for (const path of [
      "./usr/lib/compliance-agent/node",
      "./usr/lib/compliance-agent/agent.cjs",
      "./usr/lib/compliance-agent/prebuilds/linux-x64/node.napi.glibc.node",
      "./lib/systemd/system/compliance-agent.service",
      "./usr/bin/compliance-agent",
    ])
      expect(contents).toMatch(new RegExp(`^\\S+ root/root .* ${path.replaceAll(".", "\\.")}$`, "m"));
  });

  it("installs silently with COMPLIANCE_SERVER/COMPLIANCE_ENROLL_SECRET, enrolls under its unit, upgrades keeping the credential, and remove + purge leave nothing", async () => {
    const before = await tree(ROOTS, SKIP);
    const secret = server.enrollSecret;
    const installed = await sh("dpkg", ["-i", deb], { env: { COMPLIANCE_SERVER: server.url, COMPLIANCE_ENROLL_SECRET: secret } });
    expect(installed.code, installed.stdout + installed.stderr).toBe(0);
    expect(installed.stdout + installed.stderr).not.toContain(secret);
    expect(installed.stdout).toContain(`enrollment configuration written to ${CONFIG} (mode 0600)`);
    // The secret is in one root-only file, and not in the unit.
    expect((await stat(CONFIG)).mode & 0o777).toBe(0o600);
    expect((await stat("/etc/compliance-agent")).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(CONFIG, "utf8"))).toEqual({ server: server.url, secret });
    const unit = await readFile(UNIT, "utf8");
    expect(unit).not.toContain(secret);
    for (const directive of [
      "Restart=always",
      "NoNewPrivileges=yes",
      "ProtectSystem=strict",
      "StateDirectory=compliance-agent",
      "MemoryDenyWriteExecute=yes",
    ])
      expect(unit).toContain(directive);
    expect(serviceCommand(unit).argv).toEqual(expect.arrayContaining(["--jitless", "--max-old-space-size=64", "--max-semi-space-size=1"]));
    const verify = await sh("systemd-analyze", ["verify", UNIT]);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);

    // systemd would create the state dir (StateDirectory=, mode 0700) and run ExecStart.
    await mkdir(STATE, { recursive: true, mode: 0o700 });
    agent = startAsUnit(unit);
    const device = await eventually(() => deviceFor(server, hostname()), 60_000, "the installed agent enrolled and reporting");
    expect(JSON.parse(await readFile(CONFIG, "utf8"))).toEqual({ server: server.url });
    expect((await stat(join(STATE, "enrollment.json"))).mode & 0o777).toBe(0o600);
    const pid = agent.pid ?? 0;
    expect(await readFile(`/proc/${pid}/cmdline`, "utf8")).not.toContain(secret);
    expect(await readFile(`/proc/${pid}/environ`, "utf8")).not.toContain(secret);
    expect(agent.text()).not.toContain(secret);

    const check = await sh("/usr/bin/compliance-agent", ["check", "--json"], { env: { PATH: "/usr/bin:/bin" } });
    expect([0, 1], check.stderr).toContain(check.code);
    expect(CheckOutput.parse(JSON.parse(check.stdout)).device.hostname).toBe(hostname());
    const status = await sh("/usr/bin/compliance-agent", ["status", "--json"]);
    expect(JSON.parse(status.stdout)).toMatchObject({ enrolled: true });

    // Upgrade in place (the same version again is what dpkg treats as one): the credential stays, a new secret is not used.
    await stopChild(agent);
    const enrollment = await readFile(join(STATE, "enrollment.json"), "utf8");
    const upgraded = await sh("dpkg", ["-i", deb], { env: { COMPLIANCE_SERVER: server.url, COMPLIANCE_ENROLL_SECRET: "another-secret" } });
    expect(upgraded.code, upgraded.stderr).toBe(0);
    expect(upgraded.stdout).toContain("already enrolled");
    expect(await readFile(join(STATE, "enrollment.json"), "utf8")).toBe(enrollment);
    expect(JSON.parse(await readFile(CONFIG, "utf8"))).toEqual({ server: server.url });
    agent = startAsUnit(unit);
    await eventually(
      async () => {
        const s = JSON.parse((await sh("/usr/bin/compliance-agent", ["status", "--json"])).stdout) as { connection?: string };
        return s.connection === "connected" ? true : undefined;
      },
      60_000,
      "the upgraded agent connected with the kept credential",
    );
    expect(
      (await api(server, server.adminToken, "/api/v1/devices", DeviceList)).body.items
        .filter((d) => d.hostname === hostname())
        .map((d) => d.id),
    ).toEqual([device.id]);
    await stopChild(agent);

    // Remove: the agent is told why (reason file), the program goes, the state stays; purge takes the state too.
    const removed = await sh("dpkg", ["-r", "compliance-agent"]);
    expect(removed.code, removed.stderr).toBe(0);
    expect((await readFile(join(STATE, "goodbye-reason"), "utf8")).trim()).toBe("uninstall");
    await expect(stat("/usr/lib/compliance-agent")).rejects.toThrow(/ENOENT/);
    await expect(stat(UNIT)).rejects.toThrow(/ENOENT/);
    const purged = await sh("dpkg", ["-P", "compliance-agent"]);
    expect(purged.code, purged.stderr).toBe(0);
    const after = await tree(ROOTS, SKIP);
    expect(difference(after, before), "left behind").toEqual([]);
    expect(difference(before, after), "removed that was there before").toEqual([]);
  }, 600_000);
});

describe("the .rpm", () => {
  let rpm: string;
  let dir: string;
  let server: TestServer;
  let agent: (ChildProcess & { text: () => string }) | undefined;

  beforeAll(async () => {
    rpm = await buildInstaller("rpm");
    dir = await mkdtemp(join(tmpdir(), "wg-rpm-"));
    server = await startServer({ dataDir: join(dir, "server") });
  });
  afterAll(async () => {
    await stopChild(agent);
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("is named by the version, and rpmlint finds no error (filters carry their reason)", async () => {
    expect(rpm.endsWith(`compliance-agent-${VERSION}-1.x86_64.rpm`)).toBe(true);
    const lint = await sh("rpmlint", ["-c", join(import.meta.dirname, "..", "rpm", "rpmlint.toml"), rpm]);
    expect(lint.code, lint.stdout + lint.stderr).toBe(0);
    expect(lint.stdout).toMatch(/ 0 errors,/);
    const scripts = (await sh("rpm", ["-qp", "--scripts", rpm])).stdout;
    expect(scripts).toMatch(/postinstall scriptlet[\s\S]*pkg-helper configure upgrade[\s\S]*pkg-helper configure/);
    expect(scripts).toMatch(/preuninstall scriptlet[\s\S]*pkg-helper stop uninstall/);
    expect(scripts).toMatch(/postuninstall scriptlet[\s\S]*rm -rf \/var\/lib\/compliance-agent \/etc\/compliance-agent/);
    const requires = (await sh("rpm", ["-qp", "--requires", rpm])).stdout;
    expect(requires).toContain("libc.so.6(GLIBC_2.28)(64bit)");
  });

  it("carries the same unit as the .deb, and its payload (rpm2cpio) enrolls and runs the same way", async () => {
    const root = join(dir, "root");
    await mkdir(root);
    const cpio = await sh("sh", ["-c", `rpm2cpio "$1" | cpio -idm --quiet`, "sh", rpm], { cwd: root });
    expect(cpio.code, cpio.stderr).toBe(0);
    const unit = await readFile(join(root, "usr/lib/systemd/system/compliance-agent.service"), "utf8");
    expect(unit).toBe(await readFile(join(import.meta.dirname, "..", "linux", "compliance-agent.service"), "utf8"));
    const config = join(dir, "enroll.json");
    await writeFile(config, JSON.stringify({ server: server.url, secret: server.enrollSecret }), { mode: 0o600 });
    const { argv, env } = serviceCommand(unit);
    const relocated = argv.map((a) => (a.startsWith("/usr/lib/compliance-agent/") ? join(root, a) : a));
    const state = join(dir, "state");
    agent = Object.assign(
      spawn(relocated[0] ?? "", relocated.slice(1), {
        cwd: "/",
        env: { PATH: "/usr/bin:/bin", ...env, COMPLIANCE_AGENT_STATE_DIR: state, COMPLIANCE_AGENT_ENROLL_CONFIG: config },
        stdio: "ignore",
      }),
      { text: () => "" },
    );
    await eventually(() => deviceFor(server, hostname()), 60_000, "the rpm's agent enrolled and reporting");
    expect(JSON.parse(await readFile(config, "utf8"))).toEqual({ server: server.url });
    const check = await sh(join(root, "usr/lib/compliance-agent/node"), [
      join(root, "usr/lib/compliance-agent/agent.cjs"),
      "check",
      "--json",
    ]);
    expect([0, 1], check.stderr).toContain(check.code);
    expect(CheckOutput.parse(JSON.parse(check.stdout)).results).toHaveLength(3);
  }, 300_000);
});
