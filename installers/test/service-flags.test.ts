// Every service definition starts node the way the bench measured the idle agent: the flags and environment of
// agent/service-flags.json, on Linux, macOS and Windows alike.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support.js";

const SERVICE = JSON.parse(await readFile(join(ROOT, "agent/service-flags.json"), "utf8")) as {
  node: string[];
  env: Record<string, string>;
};
const NODE_FLAGS = SERVICE.node;
const NODE_ENV = SERVICE.env;
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
    for (const [k, v] of Object.entries(NODE_ENV)) expect(environment.split(/\s+/)).toContain(`${k}=${v}`);
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
