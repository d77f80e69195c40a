// software facts on win32: the machine's and each signed-in user's Uninstall keys, plus what only winget knows (Store/MSIX apps).
import { NotRecordedError, SourceUnavailableError, runOptional, runRequired, type CommandRunner } from "../../runner/runner.js";
import { ParseError } from "../../runner/parse-error.js";
import { interpretRegQuery, regSource } from "../../platform/win32/reg-result.js";
import { LOADED_HIVES_ARGV, readLoadedUserHives } from "../../platform/win32/user-hives.js";
import { decodeWindowsOutput, firstLine } from "../../platform/win32/windows-text.js";
import { fillArgv, type Collector, type SourceSpec } from "../types.js";
import type { InstalledPackage, SoftwareFacts } from "./facts.js";
import { parseUninstallEntries, type UninstallEntry } from "./parse/reg-uninstall.js";
import { parseWingetList, wingetOnlyPackages } from "./parse/winget-list.js";

export const WIN32_UNINSTALL = ["reg", "query", "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall", "/s"] as const;
export const WIN32_UNINSTALL_WOW64 = ["reg", "query", "HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall", "/s"] as const;
export const WIN32_USER_UNINSTALL = ["reg", "query", "HKU\\{sid}\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall", "/s"] as const;
/** Accepting the source agreements up front: otherwise a first run waits for a keypress nobody gives. */
export const WIN32_WINGET_LIST = ["winget", "list", "--accept-source-agreements"] as const;

const sources: readonly SourceSpec[] = [
  { kind: "command", argv: WIN32_UNINSTALL, what: "64-bit (native) programs: DisplayName, DisplayVersion, Publisher, SystemComponent", optional: false },
  { kind: "command", argv: WIN32_UNINSTALL_WOW64, what: "32-bit programs on 64-bit Windows (absent on 32-bit Windows)", optional: false },
  { kind: "command", argv: LOADED_HIVES_ARGV, what: "loaded user hives: whose per-user programs can be read", optional: false },
  { kind: "command", argv: WIN32_USER_UNINSTALL, what: "programs installed for one user only", optional: false, perUser: true },
  { kind: "command", argv: WIN32_WINGET_LIST, what: "Store/MSIX apps the Uninstall keys do not list (winget is per user; absent for SYSTEM)", optional: true },
];

export const collectSoftwareWin32: Collector<SoftwareFacts> = {
  sources,
  async collect(runner: CommandRunner): Promise<SoftwareFacts> {
    const problems: string[] = [];
    const machine = await uninstallKey(runner, WIN32_UNINSTALL);
    const wow64 = await uninstallKey(runner, WIN32_UNINSTALL_WOW64);
    if (machine.length === 0 && wow64.length === 0) {
      throw new ParseError(regSource(WIN32_UNINSTALL), "no program listed in either Uninstall key (Windows always lists some)");
    }
    const perUser: UninstallEntry[] = [];
    for (const sid of await readLoadedUserHives(runner)) {
      const argv = fillArgv(WIN32_USER_UNINSTALL, { sid });
      try {
        perUser.push(...(await uninstallKey(runner, argv)));
      } catch (error) {
        if (!(error instanceof ParseError || error instanceof SourceUnavailableError || error instanceof NotRecordedError)) throw error;
        problems.push(`programs installed for ${sid} only: ${error.message}`);
      }
    }
    const registry = [...machine.map((e) => toPackage(e)), ...wow64.map((e) => toPackage(e, "x86")), ...perUser.map((e) => toPackage(e))];
    const facts: SoftwareFacts = { packages: dedupe(registry), sources: ["registry"], problems };

    const winget = await runOptional(runner, WIN32_WINGET_LIST);
    if (winget !== undefined) {
      try {
        if (winget.exitCode !== 0) throw new SourceUnavailableError("winget list", firstLine(decodeWindowsOutput(winget.stdout)) || `exit code ${winget.exitCode}`);
        facts.packages.push(...wingetOnlyPackages(parseWingetList(decodeWindowsOutput(winget.stdout), "winget list"), [...machine, ...wow64, ...perUser]));
        facts.sources.push("winget");
      } catch (error) {
        if (!(error instanceof ParseError || error instanceof SourceUnavailableError)) throw error;
        problems.push(error.message);
      }
    }
    return facts;
  },
};

/** An Uninstall key and its subkeys; a key that is not there (32-bit Windows, a user without one) lists nothing. */
async function uninstallKey(runner: CommandRunner, argv: readonly string[]): Promise<UninstallEntry[]> {
  const source = regSource(argv);
  const out = await runRequired(runner, argv);
  if (out.exitCode !== 0 && !interpretRegQuery(out, source).found) return [];
  return parseUninstallEntries(decodeWindowsOutput(out.stdout), source);
}

function toPackage(entry: UninstallEntry, arch?: string): InstalledPackage {
  const pkg: InstalledPackage = { name: entry.displayName, version: entry.version, source: "registry" };
  if (entry.publisher !== undefined) pkg.publisher = entry.publisher;
  if (arch !== undefined) pkg.arch = arch;
  return pkg;
}

/** Installers that register in both views (or for the machine and the user) are one program. */
function dedupe(packages: readonly InstalledPackage[]): InstalledPackage[] {
  const seen = new Set<string>();
  return packages.filter((p) => {
    const key = [p.name.toLowerCase(), p.version, (p.publisher ?? "").toLowerCase()].join("\u0000");
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
