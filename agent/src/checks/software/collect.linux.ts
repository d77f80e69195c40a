// Software titles on Linux: dpkg (with apt's origins and manual marks), rpm (with signing keys and dnf's user installs), snap and Flatpak.
import { noteFailure, readCommand, readFile } from "../../runner/read-source.js";
import type { CommandRunner } from "../../runner/runner.js";
import { fillArgv, fillTemplate, type Collector, type SourceSpec } from "../types.js";
import type { SoftwareFacts } from "./facts.js";
import {
  TOLERANT,
  APT_CACHE_POLICY,
  APT_EXTENDED_STATES,
  APT_MARK_SHOWMANUAL,
  DNF_USERINSTALLED,
  DPKG_QUERY,
  DPKG_QUERY_OLD,
  DPKG_STATUS_FILE,
  RPM_QUERY,
  RPM_QUERY_OLD,
  readDpkg,
  readRpm,
} from "./collect.linux.packages.js";
import { linuxTitles, type LinuxInventory } from "./merge.linux.js";
import { FLATPAK_COLUMNS, parseFlatpakList, type FlatpakPackage } from "./parse/flatpak.js";
import { parsePasswdUsers } from "./parse/flatpak-users.js";
import { parseSnapList } from "./parse/snap.js";

export {
  APT_CACHE_POLICY,
  APT_EXTENDED_STATES,
  APT_MARK_SHOWMANUAL,
  DNF_USERINSTALLED,
  DPKG_QUERY,
  DPKG_QUERY_OLD,
  DPKG_STATUS_FILE,
  RPM_QUERY,
  RPM_QUERY_OLD,
};
export { aptCachePolicyArgv } from "./collect.linux.packages.js";

export const SNAP_LIST: readonly string[] = ["snap", "list"];
const FLATPAK_COLUMNS_ARG = `--columns=${FLATPAK_COLUMNS.join(",")}`;
/** As root this lists every system installation and root's own per-user one. */
export const FLATPAK_LIST: readonly string[] = ["flatpak", "list", "--app", FLATPAK_COLUMNS_ARG];
/** Flatpak before 1.2 has no --columns. */
export const FLATPAK_LIST_OLD: readonly string[] = ["flatpak", "list", "--app"];
export const PASSWD_FILE = "/etc/passwd";
/** Present once a user has installed anything with `flatpak install --user` (no admin rights needed). */
export const USER_FLATPAK_REPO_CONFIG = "{home}/.local/share/flatpak/repo/config";
/** Run as that user, so that flatpak reads their installation and writes nothing of root's into their home. */
export const USER_FLATPAK_LIST: readonly string[] = [
  "runuser",
  "-u",
  "{user}",
  "--",
  "flatpak",
  "list",
  "--user",
  "--app",
  FLATPAK_COLUMNS_ARG,
];

const SOURCES: readonly SourceSpec[] = [
  { kind: "command", argv: DPKG_QUERY, what: "Debian/Ubuntu packages: state, name, version, architecture, source package", optional: true },
  {
    kind: "command",
    argv: DPKG_QUERY_OLD,
    what: "Debian/Ubuntu packages, only when the newer format is not there (no source package)",
    optional: true,
  },
  {
    kind: "file",
    path: DPKG_STATUS_FILE,
    what: "the dpkg database (with Source fields), read only when dpkg-query is not there",
    optional: true,
  },
  { kind: "file", path: APT_EXTENDED_STATES, what: "apt's marks of packages installed automatically as dependencies", optional: true },
  {
    kind: "command",
    argv: APT_MARK_SHOWMANUAL,
    what: "packages installed by hand, only when apt's extended_states cannot be read",
    optional: true,
  },
  {
    kind: "command",
    argv: APT_CACHE_POLICY,
    what: "which repository offers each installed package's installed version (its origin; local when none)",
    optional: true,
  },
  {
    kind: "command",
    argv: RPM_QUERY,
    what: "RPM packages: name, epoch, version, release, architecture, vendor, source rpm, signing key, summary",
    optional: true,
  },
  {
    kind: "command",
    argv: RPM_QUERY_OLD,
    what: "RPM packages, only when the newer format is refused (no source rpm or signature)",
    optional: true,
  },
  {
    kind: "command",
    argv: DNF_USERINSTALLED,
    what: "RPM packages a user asked dnf for (the others were pulled in as dependencies)",
    optional: true,
  },
  { kind: "command", argv: SNAP_LIST, what: "snaps: name, version, revision, publisher and its verification mark, notes", optional: true },
  {
    kind: "command",
    argv: FLATPAK_LIST,
    what: "Flatpak applications of the system installations (and root's), with the remote they came from",
    optional: true,
  },
  { kind: "command", argv: FLATPAK_LIST_OLD, what: "Flatpak applications, only when flatpak (< 1.2) rejects --columns", optional: true },
  { kind: "file", path: PASSWD_FILE, what: "local users, whose per-user Flatpak installations are listed too", optional: true },
  {
    kind: "file",
    path: USER_FLATPAK_REPO_CONFIG,
    what: "whether the user has a per-user Flatpak installation",
    optional: true,
    perUser: true,
  },
  {
    kind: "command",
    argv: USER_FLATPAK_LIST,
    what: "Flatpak applications the user installed without admin rights",
    optional: true,
    perUser: true,
  },
];

export const collectSoftwareLinux: Collector<SoftwareFacts> = {
  sources: SOURCES,
  collect: async (runner) => {
    const facts: SoftwareFacts = { titles: [], sources: [], problems: [] };
    const inventory: LinuxInventory = {};
    const dpkg = await readDpkg(runner, facts.problems);
    if (dpkg !== undefined) {
      inventory.dpkg = dpkg;
      facts.sources.push("dpkg");
    }
    const rpm = await readRpm(runner, facts.problems);
    if (rpm !== undefined) {
      inventory.rpm = rpm;
      facts.sources.push("rpm");
    }
    const snap = await readCommand(runner, [SNAP_LIST], parseSnapList, TOLERANT);
    if (snap.ok) {
      inventory.snap = snap.value;
      facts.sources.push("snap");
    } else noteFailure(snap, facts.problems);
    const flatpak = await readFlatpaks(runner, facts.problems);
    if (flatpak !== undefined) {
      inventory.flatpak = flatpak;
      facts.sources.push("flatpak");
    }
    facts.titles = linuxTitles(inventory);
    return facts;
  },
};

async function readFlatpaks(runner: CommandRunner, problems: string[]): Promise<FlatpakPackage[] | undefined> {
  const system = await readCommand(runner, [FLATPAK_LIST, FLATPAK_LIST_OLD], parseFlatpakList, {
    label: FLATPAK_LIST.join(" "),
    ...TOLERANT,
  });
  if (!system.ok) {
    noteFailure(system, problems);
    if (system.absent) return undefined;
  }
  const packages = system.ok ? [...system.value] : [];
  const passwd = await readFile(runner, PASSWD_FILE, parsePasswdUsers, TOLERANT);
  noteFailure(passwd, problems);
  for (const user of passwd.ok ? passwd.value : []) {
    const values = { user: user.user, uid: String(user.uid), home: user.home };
    const config = await readFile(runner, fillTemplate(USER_FLATPAK_REPO_CONFIG, values), (text) => text);
    if (!config.ok) {
      noteFailure(config, problems);
      continue;
    }
    const own = await readCommand(runner, [fillArgv(USER_FLATPAK_LIST, values)], parseFlatpakList, TOLERANT);
    if (own.ok) packages.push(...own.value);
    else noteFailure(own, problems);
  }
  return system.ok || packages.length > 0 ? withoutRepeats(packages) : undefined;
}

/** The same application seen by the system listing (root's own installation) and a per-user one is one entry. */
function withoutRepeats(packages: readonly FlatpakPackage[]): FlatpakPackage[] {
  const seen = new Set<string>();
  return packages.filter((p) => {
    const key = JSON.stringify([p.bundleId, p.name, p.version, p.arch, p.origin]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
