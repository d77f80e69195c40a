// What the agent says about the machine: hostname, OS and a stable hardware id, read through the runner.
import { type DeviceInfo, type Platform } from "@wegroup/shared";
import { decodeText } from "./runner/decode.js";
import type { CommandRunner } from "./runner/runner.js";
import { fileBytes, runCommand, valueOr } from "./runner/read-source.js";
import { AGENT_VERSION } from "./version.js";

export interface HostFacts {
  hostname: string;
  arch?: string;
  osRelease?: string;
}

/** Device information for reports and `check --json`; the OS name comes from the machine (or the bundle). */
export async function describeDevice(runner: CommandRunner, host: HostFacts): Promise<DeviceInfo> {
  const os = await osName(runner);
  const info: DeviceInfo = { hostname: host.hostname, platform: runner.platform, agentVersion: AGENT_VERSION };
  if (os.name !== undefined) info.osName = os.name;
  if (os.version !== undefined) info.osVersion = os.version;
  else if (host.osRelease !== undefined) info.osVersion = host.osRelease;
  if (host.arch !== undefined) info.arch = host.arch;
  return info;
}

async function osName(runner: CommandRunner): Promise<{ name?: string; version?: string }> {
  try {
    if (runner.platform === "linux") {
      const text = valueOr(await fileBytes(runner, "/etc/os-release"));
      if (text === undefined) return {};
      const fields = parseOsRelease(decodeText(text));
      return { name: fields.NAME ?? fields.PRETTY_NAME, version: fields.VERSION_ID ?? fields.VERSION };
    }
  } catch {
    // The OS name is decoration; never let it fail a check run.
  }
  return {};
}

export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m === null || m[1] === undefined || m[2] === undefined) continue;
    out[m[1]] = m[2].replace(/^(["'])(.*)\1$/, "$2");
  }
  return out;
}

/** A stable id of this machine, so that re-enrolling finds the same device: machine-id, IOPlatformUUID or MachineGuid. */
export async function hardwareId(runner: CommandRunner): Promise<string | undefined> {
  const platform: Platform = runner.platform;
  if (platform === "linux") {
    for (const path of ["/etc/machine-id", "/var/lib/dbus/machine-id"]) {
      const bytes = valueOr(await fileBytes(runner, path));
      const id = bytes === undefined ? "" : decodeText(bytes).trim();
      if (id !== "") return id;
    }
    return undefined;
  }
  if (platform === "darwin") {
    const out = valueOr(await runCommand(runner, ["ioreg", "-rd1", "-c", "IOPlatformExpertDevice"]));
    const m = out === undefined ? null : /"IOPlatformUUID"\s*=\s*"([^"]+)"/.exec(decodeText(out.stdout));
    return m?.[1];
  }
  const out = valueOr(await runCommand(runner, ["reg", "query", "HKLM\\SOFTWARE\\Microsoft\\Cryptography", "/v", "MachineGuid"]));
  const m = out === undefined ? null : /MachineGuid\s+REG_SZ\s+(\S+)/i.exec(decodeText(out.stdout));
  return m?.[1];
}
