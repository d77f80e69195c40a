// software facts on Linux: whichever of dpkg, rpm, snap and Flatpak (system and per-user) this machine has.
import type { SoftwareSource } from "@wegroup/shared";
import { decodeText } from "../../runner/decode.js";
import { ParseError } from "../../runner/parse-error.js";
import { readOptional, runOptional, type CommandOutput, type CommandRunner } from "../../runner/runner.js";
import { fillArgv, fillTemplate, type Collector, type SourceSpec } from "../types.js";
import type { InstalledPackage, SoftwareFacts } from "./facts.js";
import { parseDpkg } from "./parse/dpkg.js";
import { FLATPAK_COLUMNS, parseFlatpakList } from "./parse/flatpak.js";
import { parsePasswdUsers } from "./parse/flatpak-users.js";
import { RPM_QUERY_FORMAT, parseRpm } from "./parse/rpm.js";
import { parseSnapList } from "./parse/snap.js";

/** ${db:Status-Abbrev} lets the parser drop `rc` (removed, configuration kept) entries, which -W lists too. */
// dpkg-query expands the \t and \n escapes itself: the argv holds them as backslash sequences.
export const DPKG_QUERY: readonly string[] = ["dpkg-query", "-W", "--showformat=${db:Status-Abbrev}\\t${binary:Package}\\t${Version}\\t${Architecture}\\t${Maintainer}\\n"];
export const DPKG_STATUS_FILE = "/var/lib/dpkg/status";
export const RPM_QUERY: readonly string[] = ["rpm", "-qa", "--queryformat", RPM_QUERY_FORMAT];
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
export const USER_FLATPAK_LIST: readonly string[] = ["runuser", "-u", "{user}", "--", "flatpak", "list", "--user", "--app", FLATPAK_COLUMNS_ARG];

const SOURCES: readonly SourceSpec[] = [
  { kind: "command", argv: DPKG_QUERY, what: "Debian/Ubuntu packages: state, name, version, architecture, maintainer", optional: true },
  { kind: "file", path: DPKG_STATUS_FILE, what: "the dpkg database, read only when dpkg-query is not there", optional: true },
  { kind: "command", argv: RPM_QUERY, what: "RPM packages: name, epoch, version, release, architecture, vendor", optional: true },
  { kind: "command", argv: SNAP_LIST, what: "snaps: name, version, publisher (disabled revisions are skipped)", optional: true },
  { kind: "command", argv: FLATPAK_LIST, what: "Flatpak applications of the system installations (and root's)", optional: true },
  { kind: "command", argv: FLATPAK_LIST_OLD, what: "Flatpak applications, only when flatpak (< 1.2) rejects --columns", optional: true },
  { kind: "file", path: PASSWD_FILE, what: "local users, whose per-user Flatpak installations are listed too", optional: true },
  { kind: "file", path: USER_FLATPAK_REPO_CONFIG, what: "whether the user has a per-user Flatpak installation", optional: true, perUser: true },
  { kind: "command", argv: USER_FLATPAK_LIST, what: "Flatpak applications the user installed without admin rights", optional: true, perUser: true },
];

export const collectSoftwareLinux: Collector<SoftwareFacts> = {
  sources: SOURCES,
  collect: async (runner) => {
    const facts: SoftwareFacts = { packages: [], sources: [], problems: [] };
    await collectDpkg(runner, facts);
    await readCommand(runner, facts, "rpm", RPM_QUERY, parseRpm);
    await readCommand(runner, facts, "snap", SNAP_LIST, parseSnapList);
    await collectFlatpak(runner, facts);
    return facts;
  },
};

type Parser = (text: string, source: string) => InstalledPackage[];

/** Adds what a parser read to the facts, or the reason it could not read it to the problems. */
function take(facts: SoftwareFacts, source: SoftwareSource, label: string, text: string, parse: Parser): boolean {
  try {
    facts.packages.push(...parse(text, label));
    if (!facts.sources.includes(source)) facts.sources.push(source);
    return true;
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    facts.problems.push(error.message);
    return false;
  }
}

function failure(label: string, out: CommandOutput): string {
  const stderr = decodeText(out.stderr).trim().split("\n").filter((l) => l.trim() !== "").slice(0, 2).join(" / ");
  return `${label}: exit code ${out.exitCode}${stderr !== "" ? `: ${stderr.slice(0, 300)}` : ""}`;
}

/** An optional command: absent is normal, present but failing or unreadable is a problem. */
async function readCommand(runner: CommandRunner, facts: SoftwareFacts, source: SoftwareSource, argv: readonly string[], parse: Parser): Promise<boolean> {
  const out = await runOptional(runner, argv);
  if (out === undefined) return false;
  const label = argv.join(" ");
  if (out.exitCode !== 0) {
    facts.problems.push(failure(label, out));
    return true;
  }
  take(facts, source, label, decodeText(out.stdout), parse);
  return true;
}

async function collectDpkg(runner: CommandRunner, facts: SoftwareFacts): Promise<void> {
  if (await readCommand(runner, facts, "dpkg", DPKG_QUERY, parseDpkg)) return;
  const status = await readOptional(runner, DPKG_STATUS_FILE);
  if (status !== undefined) take(facts, "dpkg", DPKG_STATUS_FILE, decodeText(status), parseDpkg);
}

async function collectFlatpak(runner: CommandRunner, facts: SoftwareFacts): Promise<void> {
  const before = facts.packages.length;
  const out = await runOptional(runner, FLATPAK_LIST);
  if (out === undefined) return;
  if (out.exitCode === 0) take(facts, "flatpak", FLATPAK_LIST.join(" "), decodeText(out.stdout), parseFlatpakList);
  else {
    const old = await runOptional(runner, FLATPAK_LIST_OLD);
    if (old === undefined || old.exitCode !== 0) facts.problems.push(failure(FLATPAK_LIST.join(" "), out));
    else take(facts, "flatpak", FLATPAK_LIST_OLD.join(" "), decodeText(old.stdout), parseFlatpakList);
  }
  await collectUserFlatpaks(runner, facts);
  dedupeFrom(facts, before);
}

async function collectUserFlatpaks(runner: CommandRunner, facts: SoftwareFacts): Promise<void> {
  const passwd = await readOptional(runner, PASSWD_FILE);
  if (passwd === undefined) return;
  let users;
  try {
    users = parsePasswdUsers(decodeText(passwd), PASSWD_FILE);
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    facts.problems.push(error.message);
    return;
  }
  for (const user of users) {
    const values = { user: user.user, uid: String(user.uid), home: user.home };
    const configPath = fillTemplate(USER_FLATPAK_REPO_CONFIG, values);
    let config: Buffer | undefined;
    try {
      config = await readOptional(runner, configPath);
    } catch (error) {
      // An unprivileged `check` may not look into other people's homes.
      facts.problems.push(`${configPath}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    if (config === undefined) continue;
    await readCommand(runner, facts, "flatpak", fillArgv(USER_FLATPAK_LIST, values), parseFlatpakList);
  }
}

/** The same application seen by the system listing (root's own installation) and a per-user one is one entry. */
function dedupeFrom(facts: SoftwareFacts, start: number): void {
  const seen = new Set<string>();
  const kept = facts.packages.slice(start).filter((p) => {
    const key = JSON.stringify([p.bundleId, p.name, p.version, p.arch]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  facts.packages.splice(start, facts.packages.length - start, ...kept);
}
