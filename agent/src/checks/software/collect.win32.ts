// software facts on win32: Uninstall entries of the machine and each signed-in user, their executables' Authenticode signers, AppX packages, winget ids.
import { COMMAND_NOT_FOUND, NotRecordedError, SourceUnavailableError, runOptional, runRequired, type CommandRunner } from "../../runner/runner.js";
import { ParseError } from "../../runner/parse-error.js";
import { interpretRegQuery, regSource } from "../../platform/win32/reg-result.js";
import { LOADED_HIVES_ARGV, readLoadedUserHives } from "../../platform/win32/user-hives.js";
import { decodeWindowsOutput, firstLine } from "../../platform/win32/windows-text.js";
import { fillArgv, type Collector, type SourceSpec } from "../types.js";
import type { SoftwareFacts } from "./facts.js";
import { WIN32_AUTHENTICODE, authenticodeRuns, mainExecutable } from "./main-executable.win32.js";
import { mergeWin32Titles, type SignatureLookup } from "./merge.win32.js";
import { parseAppxPackages, type AppxPackage } from "./parse/appx-package.js";
import { parseAuthenticodeSignatures, type AuthenticodeSignature } from "./parse/authenticode.js";
import { isComponentEntry, parseUninstallEntries, type UninstallEntry } from "./parse/reg-uninstall.js";
import { parseWingetList, type WingetRow } from "./parse/winget-list.js";

export { WIN32_AUTHENTICODE } from "./main-executable.win32.js";
export const WIN32_UNINSTALL = ["reg", "query", "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall", "/s"] as const;
export const WIN32_UNINSTALL_WOW64 = ["reg", "query", "HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall", "/s"] as const;
export const WIN32_USER_UNINSTALL = ["reg", "query", "HKU\\{sid}\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall", "/s"] as const;
/** Every user's packages (the agent runs as SYSTEM, which has none of its own); unwrapped, so that long values stay on one line. */
export const WIN32_APPX = [
  "powershell.exe",
  "-NoProfile",
  "-NonInteractive",
  "-Command",
  "[Console]::OutputEncoding = [System.Text.UTF8Encoding]::new($false); Get-AppxPackage -AllUsers | Format-List | Out-String -Width 4096",
] as const;
/** Accepting the source agreements up front: otherwise a first run waits for a keypress nobody gives. */
export const WIN32_WINGET_LIST = ["winget", "list", "--accept-source-agreements"] as const;

/** Signature checks read catalogs and may fetch revocation lists: far slower than a registry query. */
const SLOW_POWERSHELL_MS = 120_000;

const sources: readonly SourceSpec[] = [
  { kind: "command", argv: WIN32_UNINSTALL, what: "64-bit (native) programs: DisplayName, DisplayVersion, Publisher, SystemComponent, ParentKeyName, ReleaseType, DisplayIcon, UninstallString", optional: false },
  { kind: "command", argv: WIN32_UNINSTALL_WOW64, what: "32-bit programs on 64-bit Windows (absent on 32-bit Windows)", optional: false },
  { kind: "command", argv: LOADED_HIVES_ARGV, what: "loaded user hives: whose per-user programs can be read", optional: false },
  { kind: "command", argv: WIN32_USER_UNINSTALL, what: "programs installed for one user only", optional: false, perUser: true },
  {
    kind: "command",
    argv: WIN32_AUTHENTICODE,
    what: "Authenticode signer of each program's main executable (DisplayIcon's .exe, else UninstallString's): the verified identity; a title whose run cannot be read is unknown",
    optional: true,
  },
  { kind: "command", argv: WIN32_APPX, what: "AppX/MSIX packages of every user: Publisher (certificate subject), SignatureKind, IsFramework, NonRemovable", optional: true },
  { kind: "command", argv: WIN32_WINGET_LIST, what: "winget ids of listed programs, and what only winget knows (winget is per user; absent for SYSTEM)", optional: true },
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
    const uninstall = [...machine, ...wow64, ...perUser];
    const signatures = await readSignatures(runner, uninstall);
    const failedRuns = new Set(signatures.unreadable.values());
    for (const reason of failedRuns) problems.push(`Authenticode signatures: ${reason}`);

    const facts: SoftwareFacts = { titles: [], sources: ["registry"], problems };
    const appx = await readAppx(runner, problems);
    if (appx !== undefined) facts.sources.push("appx");
    const winget = await readWinget(runner, problems);
    if (winget !== undefined) facts.sources.push("winget");
    facts.titles = mergeWin32Titles({ uninstall, signatures, appx, winget });
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

/** The signers of the programs a person installed (components inherit their parent's verdict and are not looked up). */
async function readSignatures(runner: CommandRunner, uninstall: readonly UninstallEntry[]): Promise<SignatureLookup> {
  const files = [...new Set(uninstall.filter((e) => !isComponentEntry(e)).flatMap((e) => mainExecutable(e) ?? []))];
  const signatures: AuthenticodeSignature[] = [];
  const unreadable = new Map<string, string>();
  for (const run of authenticodeRuns(files)) {
    const outcome = await runSignatures(runner, run.argv);
    if (typeof outcome === "string") for (const file of run.files) unreadable.set(file, outcome);
    else signatures.push(...outcome);
  }
  return { signatures, unreadable };
}

/** The signatures one run printed, or why there are none to read. */
async function runSignatures(runner: CommandRunner, argv: readonly string[]): Promise<AuthenticodeSignature[] | string> {
  let out;
  try {
    out = await runner.run(argv, { timeoutMs: SLOW_POWERSHELL_MS });
  } catch (error) {
    if (error instanceof NotRecordedError) return "Get-AuthenticodeSignature not recorded";
    throw error;
  }
  if (out.exitCode === COMMAND_NOT_FOUND) return "powershell.exe not found";
  try {
    const signatures = parseAuthenticodeSignatures(decodeWindowsOutput(out.stdout), "Get-AuthenticodeSignature");
    // A missing file is skipped silently; a failing run prints nothing at all.
    if (out.exitCode !== 0 && signatures.length === 0) return `Get-AuthenticodeSignature: ${firstLine(decodeWindowsOutput(out.stderr)) || `exit code ${out.exitCode}`}`;
    return signatures;
  } catch (error) {
    if (error instanceof ParseError) return error.message;
    throw error;
  }
}

async function readAppx(runner: CommandRunner, problems: string[]): Promise<AppxPackage[] | undefined> {
  let out;
  try {
    out = await runner.run(WIN32_APPX, { timeoutMs: SLOW_POWERSHELL_MS });
  } catch (error) {
    if (!(error instanceof NotRecordedError)) throw error;
    problems.push("Get-AppxPackage: not recorded");
    return undefined;
  }
  try {
    if (out.exitCode === COMMAND_NOT_FOUND) throw new SourceUnavailableError("Get-AppxPackage", "powershell.exe not found");
    if (out.exitCode !== 0) throw new SourceUnavailableError("Get-AppxPackage", firstLine(decodeWindowsOutput(out.stderr)) || `exit code ${out.exitCode}`);
    return parseAppxPackages(decodeWindowsOutput(out.stdout), "Get-AppxPackage");
  } catch (error) {
    if (!(error instanceof ParseError || error instanceof SourceUnavailableError)) throw error;
    problems.push(error.message);
    return undefined;
  }
}

/** winget is absent for SYSTEM and on servers: not running is no problem; failing is. */
async function readWinget(runner: CommandRunner, problems: string[]): Promise<WingetRow[] | undefined> {
  const out = await runOptional(runner, WIN32_WINGET_LIST);
  if (out === undefined) return undefined;
  try {
    if (out.exitCode !== 0) throw new SourceUnavailableError("winget list", firstLine(decodeWindowsOutput(out.stdout)) || `exit code ${out.exitCode}`);
    return parseWingetList(decodeWindowsOutput(out.stdout), "winget list");
  } catch (error) {
    if (!(error instanceof ParseError || error instanceof SourceUnavailableError)) throw error;
    problems.push(error.message);
    return undefined;
  }
}
