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

/** Drops the rows of a `dpkg-query -W` recording whose package (without its `:arch`) is in `names`. */
export function withoutDpkgQueryRows(listing: string, names: readonly string[]): string {
  return listing
    .split("\n")
    .filter((row) => !names.includes((row.split("\t")[1] ?? "").split(":")[0] ?? ""))
    .join("\n");
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
  /** A GNOME user (user001, uid 1000) logged in on seat0 whose screen never locks (the recorded "lax user"). */
  laxGnomeUser?: boolean;
  /**
   * The machine's whole recorded inventory (926 packages, with their source packages) under the collector's
   * dpkg-query argv, besides the status-file excerpt: the recording of the same machine and moment.
   */
  dpkgQuery?: boolean;
  /**
   * An `apt-cache policy` answer in which Debian's archive offers every installed version (CONSTRUCTED in the
   * recorded layout of fixtures/linux/apt-cache-policy: no recording of this machine's apt exists), so that the
   * software check can judge titles by origin instead of calling them "origin unknown". On unless `false` (the demo
   * bundle holds recordings only).
   */
  aptFromDebian?: boolean;
}

const DENIED_DEBS = ["nmap", "nmap-common", "tcpdump"];

/**
 * A Linux laptop without systemd sessions (screen-lock unknown), whose udev database holds a USB
 * stick or not (real exports of two laptops), and whose dpkg database holds nmap and tcpdump or not.
 */
export function linuxLaptopBundle(laptop: LinuxLaptop): BundleInput {
  const status = fixtureText("linux/dpkg/debian-12-container-var-lib-dpkg-status-excerpt-nmap-tcpdump.txt");
  const listing = fixtureText("linux/dpkg/debian-12-container-dpkg-query-status-arch-source-nmap-tcpdump.tsv");
  return {
    format: "compliance-bundle/1",
    platform: "linux",
    hostname: laptop.hostname,
    collectedAt: "2026-11-25T09:00:00.000Z",
    commands: [
      ...(laptop.laxGnomeUser === true
        ? laxGnomeSession()
        : [
            {
              argv: commandArgv("linux", "screen-lock", "loginctl", "list-sessions"),
              exitCode: 1,
              stdout: "",
              stderr: fixtureText("linux/loginctl/debian-12-container-no-systemd.list-sessions.stderr.txt"),
            },
          ]),
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
      ...(laptop.dpkgQuery === true
        ? [
            {
              argv: commandArgv("linux", "software", "dpkg-query"),
              exitCode: 0,
              stdout: laptop.deniedSoftware ? listing : withoutDpkgQueryRows(listing, DENIED_DEBS),
              stderr: "",
            },
          ]
        : []),
      ...(laptop.aptFromDebian !== false
        ? [debianAptPolicy(laptop.deniedSoftware ? status : withoutDpkgPackages(status, DENIED_DEBS))]
        : []),
    ],
    files: [
      {
        path: filePath("linux", "software", "/var/lib/dpkg/status"),
        content: laptop.deniedSoftware ? status : withoutDpkgPackages(status, DENIED_DEBS),
      },
      { path: "/etc/machine-id", content: `${laptop.hostname.padEnd(32, "0").slice(0, 32)}\n` },
      { path: "/etc/os-release", content: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\n' },
      ...(laptop.laxGnomeUser === true
        ? [{ path: "/etc/passwd", content: "root:x:0:0:root:/root:/bin/bash\nuser001:x:1000:1000:,,,:/home/user001:/bin/bash\n" }]
        : []),
    ],
  };
}

/** `apt-cache policy {packages}` for the packages of a dpkg status text, as the collector asks (Multi-Arch: same ones qualified). */
function debianAptPolicy(status: string) {
  const stanzas = status.split(/\n\n+/).filter((s) => /^Package: /m.test(s));
  const field = (stanza: string, name: string) => new RegExp(`^${name}: (.*)$`, "m").exec(stanza)?.[1]?.trim() ?? "";
  const packages = stanzas.map((stanza) => {
    const name = field(stanza, "Package");
    const arch = field(stanza, "Architecture");
    return { name, arch, version: field(stanza, "Version"), asked: field(stanza, "Multi-Arch") === "same" ? `${name}:${arch}` : name };
  });
  const stdout = packages
    .map((p) =>
      [
        `${p.name}:`,
        `  Installed: ${p.version}`,
        `  Candidate: ${p.version}`,
        "  Version table:",
        ` *** ${p.version} 500`,
        `        500 http://deb.debian.org/debian bookworm/main ${p.arch === "all" ? "amd64" : p.arch} Packages`,
        "        100 /var/lib/dpkg/status",
      ].join("\n"),
    )
    .join("\n");
  const argv = commandArgv("linux", "software", "apt-cache", "policy").flatMap((a) =>
    a === "{packages}" ? packages.map((p) => p.asked) : [a],
  );
  return { argv, exitCode: 0, stdout: `${stdout}\n`, stderr: "" };
}

/**
 * The recorded Ubuntu session list (gdm greeter c1 + user001 on seat0) and the recorded gsettings of
 * the "lax user" (idle-delay 0, lock-enabled false). The two `show-session` answers are CONSTRUCTED in
 * the recorded Key=Value format (no recording of those sessions exists); /etc/passwd likewise.
 */
function laxGnomeSession() {
  const asUser = (...argv: string[]) => ["runuser", "-u", "user001", "--", ...argv];
  const show = (id: string) => commandArgv("linux", "screen-lock", "loginctl", "show-session").map((a) => (a === "{session}" ? id : a));
  const get = (schema: string, key: string) =>
    commandArgv("linux", "screen-lock", "runuser", "-u", "{user}", "--", "gsettings", "get", schema, key).map((a) =>
      a === "{user}" ? "user001" : a,
    );
  return [
    {
      argv: commandArgv("linux", "screen-lock", "loginctl", "list-sessions"),
      exitCode: 0,
      stdout: fixtureText("linux/loginctl/ubuntu-gdm-greeter-and-user-session.list-sessions.txt"),
      stderr: "",
    },
    {
      argv: show("2"),
      exitCode: 0,
      stdout:
        "Id=2\nUser=1000\nName=user001\nTimestamp=Wed 2026-11-25 08:58:01 UTC\nVTNr=2\nSeat=seat0\nTTY=tty2\nRemote=no\nService=gdm-password\nDesktop=ubuntu:GNOME\nType=wayland\nClass=user\nActive=yes\nState=active\nIdleHint=no\nLockedHint=no\n",
      stderr: "",
    },
    {
      argv: show("c1"),
      exitCode: 0,
      stdout:
        "Id=c1\nUser=121\nName=gdm\nVTNr=1\nSeat=seat0\nTTY=tty1\nRemote=no\nService=gdm-launch-environment\nType=wayland\nClass=greeter\nActive=no\nState=online\n",
      stderr: "",
    },
    {
      argv: get("org.gnome.desktop.session", "idle-delay"),
      exitCode: 0,
      stdout: fixtureText("linux/gsettings/debian-12-container-lax-user.get-idle-delay.txt"),
      stderr: "",
    },
    {
      argv: get("org.gnome.desktop.screensaver", "lock-enabled"),
      exitCode: 0,
      stdout: fixtureText("linux/gsettings/debian-12-container-lax-user.get-lock-enabled.txt"),
      stderr: "",
    },
    {
      argv: asUser("gsettings", "list-recursively", "org.gnome.desktop.screensaver"),
      exitCode: 0,
      stdout: fixtureText("linux/gsettings/debian-12-container-lax-user.list-recursively-screensaver.txt"),
      stderr: "",
    },
  ];
}

/** Replaces the bundle file atomically, as a demo or test "plugs in" a device. */
export async function writeBundle(path: string, bundle: BundleInput): Promise<void> {
  const tmp = `${path}.tmp`;
  await writeFile(tmp, JSON.stringify(bundle));
  await rename(tmp, path);
}
