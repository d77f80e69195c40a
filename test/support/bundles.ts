// Test support: replay bundles assembled from real fixture outputs, placed exactly where `compliance-agent sources` says the collectors read.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { BundleInput } from "@wegroup/shared";
import { AGENT_BIN, ROOT } from "./processes.js";

interface SourceEntry {
  kind: "command" | "file" | "directory";
  argv?: string[];
  path?: string;
}

interface SourcesDoc {
  checks: { check: string; sources: SourceEntry[] }[];
}

const cache = new Map<string, SourcesDoc>();

/** What the collectors of a platform read, from the real CLI (the contract people assemble bundles with). */
export function sourcesOf(platform: "linux" | "darwin" | "win32"): SourcesDoc {
  const hit = cache.get(platform);
  if (hit !== undefined) return hit;
  const r = spawnSync(process.execPath, [AGENT_BIN, "sources", "--platform", platform, "--json"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`compliance-agent sources failed: ${r.stderr}`);
  const doc = JSON.parse(r.stdout) as SourcesDoc;
  cache.set(platform, doc);
  return doc;
}

/** The argv of the first command source of `check` whose argv starts with `prefix`. */
export function commandArgv(platform: "linux" | "darwin" | "win32", check: string, ...prefix: string[]): string[] {
  const entry = sourcesOf(platform)
    .checks.find((c) => c.check === check)
    ?.sources.find((s) => s.kind === "command" && prefix.every((p, i) => s.argv?.[i] === p));
  if (entry?.argv === undefined) throw new Error(`no ${check} source starting with ${prefix.join(" ")}`);
  return entry.argv;
}

export function filePath(platform: "linux" | "darwin" | "win32", check: string, suffix: string): string {
  const entry = sourcesOf(platform)
    .checks.find((c) => c.check === check)
    ?.sources.find((s) => s.kind === "file" && s.path?.endsWith(suffix) === true);
  if (entry?.path === undefined) throw new Error(`no ${check} file source ending in ${suffix}`);
  return entry.path;
}

export function fixtureText(rel: string): string {
  return readFileSync(join(ROOT, "fixtures", rel), "utf8");
}

/** Drops whole stanzas of a dpkg status file whose Package is in `names`. */
export function withoutDpkgPackages(status: string, names: readonly string[]): string {
  return status
    .split(/\n\n+/)
    .filter((stanza) => !names.includes(/^Package: (\S+)/m.exec(stanza)?.[1] ?? ""))
    .join("\n\n");
}

export interface LinuxLaptop {
  hostname: string;
  usbStick: boolean;
  deniedSoftware: boolean;
}

/**
 * A Linux laptop without systemd sessions (screen-lock unknown), whose udev database holds a USB
 * stick or not (real exports of two laptops), and whose dpkg database holds nmap and tcpdump or not.
 */
export function linuxLaptopBundle(laptop: LinuxLaptop): BundleInput {
  const status = fixtureText("linux/dpkg/debian-12-container-var-lib-dpkg-status-excerpt-nmap-tcpdump.txt");
  return {
    format: "compliance-bundle/1",
    platform: "linux",
    hostname: laptop.hostname,
    collectedAt: "2026-11-25T09:00:00.000Z",
    commands: [
      {
        argv: commandArgv("linux", "screen-lock", "loginctl", "list-sessions"),
        exitCode: 1,
        stdout: "",
        stderr: fixtureText("linux/loginctl/debian-12-container-no-systemd.list-sessions.stderr.txt"),
      },
      {
        argv: commandArgv("linux", "usb-storage", "udevadm"),
        exitCode: 0,
        stdout: fixtureText(
          laptop.usbStick
            ? "linux/udevadm/ubuntu-hp-elitebook-835-g10-one-usb-stick.export-db.txt"
            : "linux/udevadm/ubuntu-lenovo-t430s-no-usb-storage.export-db.txt",
        ),
        stderr: "",
      },
    ],
    files: [
      { path: filePath("linux", "software", "/var/lib/dpkg/status"), content: laptop.deniedSoftware ? status : withoutDpkgPackages(status, ["nmap", "nmap-common", "tcpdump"]) },
      { path: "/etc/machine-id", content: `${laptop.hostname.padEnd(32, "0").slice(0, 32)}\n` },
    ],
  };
}

/** Replaces the bundle file atomically, as a demo or test "plugs in" a device. */
export async function writeBundle(path: string, bundle: BundleInput): Promise<void> {
  const tmp = `${path}.tmp`;
  await writeFile(tmp, JSON.stringify(bundle));
  await rename(tmp, path);
}
