// Every service definition, and every package's `compliance-agent` command, starts node the way the bench measured the
// agent (idle service and one-shot check): the flags and environment of agent/service-flags.json, on Linux, macOS and
// Windows alike (linuxEnv, glibc's settings, on Linux only).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support.js";

const SERVICE = JSON.parse(await readFile(join(ROOT, "agent/service-flags.json"), "utf8")) as {
  node: string[];
  env: Record<string, string>;
  linuxEnv: Record<string, string>;
};
const NODE_FLAGS = SERVICE.node;
const NODE_ENV = SERVICE.env;
const LINUX_ENV = { ...SERVICE.env, ...SERVICE.linuxEnv };
const read = (file: string): Promise<string> => readFile(join(ROOT, "installers", file), "utf8");
/** The run of `--flags` between the node binary and the script, as written in a service definition. */
function flagsBefore(line: string, script: string): string[] {
  const at = line.indexOf(script);
  expect(at, `${script} in ${line}`).toBeGreaterThan(0);
  return line
    .slice(0, at)
    .split(/\s+/)
    .filter((word) => word.startsWith("--"));
}

describe("service definitions run node with agent/service-flags.json", () => {
  it("systemd unit (.deb and .rpm)", async () => {
    const unit = await read("linux/compliance-agent.service");
    const exec = unit.split("\n").find((l) => l.startsWith("ExecStart="));
    expect(flagsBefore(exec ?? "", "/usr/lib/compliance-agent/agent.cjs")).toEqual(NODE_FLAGS);
    const environment = (unit.split("\n").find((l) => l.startsWith("Environment=")) ?? "").slice("Environment=".length);
    expect(Object.keys(SERVICE.linuxEnv)).not.toHaveLength(0);
    for (const [k, v] of Object.entries(LINUX_ENV)) expect(environment.split(/\s+/)).toContain(`${k}=${v}`);
  });

  it("launchd service script (.pkg)", async () => {
    const script = await read("macos/compliance-agent-service");
    const exec = script.split("\n").find((l) => l.startsWith("exec "));
    expect(flagsBefore(exec ?? "", '"$dir/agent.cjs"')).toEqual(NODE_FLAGS);
    // launchd sets the environment from the LaunchDaemon's EnvironmentVariables.
    const plist = (await read("macos/nl.wegroup.compliance.agent.plist")).replace(/\s+/g, "");
    for (const [k, v] of Object.entries(NODE_ENV)) expect(plist).toContain(`<key>${k}</key><string>${v}</string>`);
  });

  it("Windows service host (.msi)", async () => {
    const host = await read("windows/service-host.c");
    const define = /#define NODE_FLAGS L"([^"]*)"/.exec(host);
    expect(define?.[1]?.split(" ")).toEqual(NODE_FLAGS);
    for (const [k, v] of Object.entries(NODE_ENV)) expect(host).toContain(`SetEnvironmentVariableW(L"${k}", L"${v}");`);
  });
});

/** The `export NAME=value …` assignments of a shell wrapper. */
function exported(script: string): string[] {
  return script
    .split("\n")
    .filter((l) => l.startsWith("export "))
    .flatMap((l) => l.slice("export ".length).split(/\s+/));
}

describe("the compliance-agent command of every package runs node as the service does", () => {
  it("Linux (/usr/bin/compliance-agent in the .deb and .rpm)", async () => {
    const script = await read("linux/compliance-agent.sh");
    const exec = script.split("\n").find((l) => l.startsWith("exec "));
    expect(flagsBefore(exec ?? "", "/usr/lib/compliance-agent/agent.cjs")).toEqual(NODE_FLAGS);
    expect(exec).toMatch(/agent\.cjs "\$@"$/);
    expect(exported(script).sort()).toEqual(
      Object.entries(LINUX_ENV)
        .map(([k, v]) => `${k}=${v}`)
        .sort(),
    );
  });

  it("macOS (/usr/local/bin/compliance-agent in the .pkg)", async () => {
    const script = await read("macos/compliance-agent");
    const exec = script.split("\n").find((l) => l.startsWith("exec "));
    expect(flagsBefore(exec ?? "", '"$dir/agent.cjs"')).toEqual(NODE_FLAGS);
    expect(exec).toMatch(/agent\.cjs" "\$@"$/);
    expect(exported(script).sort()).toEqual(
      Object.entries(NODE_ENV)
        .map(([k, v]) => `${k}=${v}`)
        .sort(),
    );
  });

  it("Windows (compliance-agent.cmd in the .msi)", async () => {
    const script = (await read("windows/compliance-agent.cmd")).split("\r\n");
    const run = script.find((l) => l.startsWith('"%~dp0node.exe"')) ?? "";
    expect(flagsBefore(run, '"%~dp0agent.cjs"')).toEqual(NODE_FLAGS);
    expect(run).toMatch(/agent\.cjs" %\*$/);
    expect(script).toContain("setlocal");
    for (const [k, v] of Object.entries(NODE_ENV)) expect(script).toContain(`set ${k}=${v}`);
  });
});
