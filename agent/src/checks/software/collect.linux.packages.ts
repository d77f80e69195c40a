// Reads the distribution package databases with what makes their titles judgeable: apt's origins and marks, rpm's keys and dnf's user installs.
import { noteFailure, readCommand, readFile, type ParseOptions, type SourceRead } from "../../runner/read-source.js";
import type { CommandRunner } from "../../runner/runner.js";
import type { AptMarks, Known, LinuxInventory } from "./merge.linux.js";
import { parseAptCachePolicy, type AptPolicyEntry } from "./parse/apt-cache-policy.js";
import { parseAptExtendedStates } from "./parse/apt-extended-states.js";
import { parseAptMarkNames } from "./parse/apt-mark.js";
import { parseDnfUserInstalled } from "./parse/dnf-userinstalled.js";
import { parseDpkg } from "./parse/dpkg.js";
import type { DpkgPackage } from "./parse/dpkg-common.js";
import { RPM_QUERY_FORMAT, RPM_QUERY_FORMAT_OLD, parseRpm } from "./parse/rpm.js";

// dpkg-query expands the \t and \n escapes itself: the argv holds them as backslash sequences.
/** ${db:Status-Abbrev} lets the parser drop `rc` (removed, configuration kept) entries, which -W lists too; ${Source} folds binaries into titles. */
export const DPKG_QUERY: readonly string[] = [
  "dpkg-query",
  "-W",
  "--showformat=${db:Status-Abbrev}\\t${binary:Package}\\t${Version}\\t${Architecture}\\t${Source}\\n",
];
/** The agent's earlier dpkg-query format (no ${Source}): read when a bundle holds only that one. */
export const DPKG_QUERY_OLD: readonly string[] = [
  "dpkg-query",
  "-W",
  "--showformat=${db:Status-Abbrev}\\t${binary:Package}\\t${Version}\\t${Architecture}\\t${Maintainer}\\n",
];
export const DPKG_STATUS_FILE = "/var/lib/dpkg/status";
export const APT_EXTENDED_STATES = "/var/lib/apt/extended_states";
export const APT_MARK_SHOWMANUAL: readonly string[] = ["apt-mark", "showmanual"];
/** `{packages}` stands for every installed package name as dpkg-query printed it, one argument each, in its order. */
export const APT_CACHE_POLICY: readonly string[] = ["apt-cache", "policy", "{packages}"];
export const RPM_QUERY: readonly string[] = ["rpm", "-qa", "--queryformat", RPM_QUERY_FORMAT];
export const RPM_QUERY_OLD: readonly string[] = ["rpm", "-qa", "--queryformat", RPM_QUERY_FORMAT_OLD];
export const DNF_USERINSTALLED: readonly string[] = ["dnf", "history", "userinstalled"];
/** A source whose output does not parse is one more problem: the titles of the others are still judged. */
export const TOLERANT: ParseOptions = { parseErrors: "unread" };

/** `apt-cache policy` with the installed packages in place of `{packages}`. */
export function aptCachePolicyArgv(packages: readonly string[]): string[] {
  return APT_CACHE_POLICY.flatMap((part) => (part === "{packages}" ? [...packages] : [part]));
}

/** dpkg's installed packages, apt's marks and origins; undefined when this machine has no dpkg database. */
export async function readDpkg(runner: CommandRunner, problems: string[]): Promise<LinuxInventory["dpkg"]> {
  let packages: SourceRead<DpkgPackage[]> = await readCommand(runner, [DPKG_QUERY, DPKG_QUERY_OLD], parseDpkg, TOLERANT);
  if (!packages.ok && packages.absent) packages = await readFile(runner, DPKG_STATUS_FILE, parseDpkg, TOLERANT);
  if (!packages.ok) {
    noteFailure(packages, problems);
    return undefined;
  }
  const marks = await readAptMarks(runner, problems);
  const policy = await readAptPolicy(runner, packages.value, problems);
  return { packages: packages.value, policy, marks };
}

/** extended_states first (apt's own record); `apt-mark showmanual` where it cannot be read. */
async function readAptMarks(runner: CommandRunner, problems: string[]): Promise<AptMarks> {
  const states = await readFile(runner, APT_EXTENDED_STATES, parseAptExtendedStates, TOLERANT);
  if (states.ok) return { kind: "auto-marks", marks: states.value };
  noteFailure(states, problems);
  const manual = await readCommand(runner, [APT_MARK_SHOWMANUAL], parseAptMarkNames, TOLERANT);
  if (manual.ok) return { kind: "manual-names", names: manual.value };
  noteFailure(manual, problems);
  return { kind: "unknown" };
}

/** One `apt-cache policy` run for every installed package, in dpkg's order. */
async function readAptPolicy(
  runner: CommandRunner,
  packages: readonly DpkgPackage[],
  problems: string[],
): Promise<Known<readonly AptPolicyEntry[]>> {
  if (packages.length === 0) return { ok: true, value: [] };
  const names = [...new Set(packages.map((p) => p.binaryPackage ?? p.name))];
  const policy = await readCommand(runner, [aptCachePolicyArgv(names)], parseAptCachePolicy, {
    label: "apt-cache policy {packages}",
    ...TOLERANT,
  });
  if (policy.ok) return { ok: true, value: policy.value };
  noteFailure(policy, problems);
  return { ok: false, reason: policy.reason };
}

/** rpm's packages with their signing keys; dnf's list of what users asked for, where dnf keeps one. */
export async function readRpm(runner: CommandRunner, problems: string[]): Promise<LinuxInventory["rpm"]> {
  const packages = await readCommand(runner, [RPM_QUERY, RPM_QUERY_OLD], parseRpm, { label: RPM_QUERY.join(" "), ...TOLERANT });
  if (!packages.ok) {
    noteFailure(packages, problems);
    return undefined;
  }
  if (!packages.value.some((p) => p.name !== "gpg-pubkey")) return { packages: packages.value };
  const user = await readCommand(runner, [DNF_USERINSTALLED], parseDnfUserInstalled, TOLERANT);
  if (user.ok) return { packages: packages.value, userInstalled: user.value };
  noteFailure(user, problems);
  return { packages: packages.value };
}
