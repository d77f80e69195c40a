// software facts on win32: Uninstall entries of the machine and each signed-in user, their executables' Authenticode signers, AppX packages, winget ids.
import { interpretRegQuery, regSource } from "../../platform/win32/reg-result.js";
import { LOADED_HIVES_ARGV, readLoadedUserHives } from "../../platform/win32/user-hives.js";
import { ParseError } from "../../runner/parse-error.js";
import {
  exitFailure,
  noteFailure,
  outputText,
  readCommand,
  required,
  runCommand,
  unread,
  type ParseOptions,
} from "../../runner/read-source.js";
import { NotRecordedError, SourceUnavailableError, type CommandRunner } from "../../runner/runner.js";
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
export const WIN32_UNINSTALL_WOW64 = [
  "reg",
  "query",
  "HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall",
  "/s",
] as const;
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
/** A source whose output does not parse is one more problem: the titles of the others are still judged. */
const TOLERANT: ParseOptions = { parseErrors: "unread" };

const sources: readonly SourceSpec[] = [
  {
    kind: "command",
    argv: WIN32_UNINSTALL,
    what: "64-bit (native) programs: DisplayName, DisplayVersion, Publisher, SystemComponent, ParentKeyName, ReleaseType, DisplayIcon, UninstallString",
    optional: false,
  },
  { kind: "command", argv: WIN32_UNINSTALL_WOW64, what: "32-bit programs on 64-bit Windows (absent on 32-bit Windows)", optional: false },
  { kind: "command", argv: LOADED_HIVES_ARGV, what: "loaded user hives: whose per-user programs can be read", optional: false },
  { kind: "command", argv: WIN32_USER_UNINSTALL, what: "programs installed for one user only", optional: false, perUser: true },
  {
    kind: "command",
    argv: WIN32_AUTHENTICODE,
    what: "Authenticode signer of each program's main executable (DisplayIcon's .exe, else UninstallString's): the verified identity; a title whose run cannot be read is unknown",
    optional: true,
  },
  {
    kind: "command",
    argv: WIN32_APPX,
    what: "AppX/MSIX packages of every user: Publisher (certificate subject), SignatureKind, IsFramework, NonRemovable",
    optional: true,
  },
  {
    kind: "command",
    argv: WIN32_WINGET_LIST,
    what: "winget ids of listed programs, and what only winget knows (winget is per user; absent for SYSTEM)",
    optional: true,
  },
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
    problems.push(...failedRuns);

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
  const out = required(await runCommand(runner, argv, { label: source }));
  if (out.exitCode !== 0 && !interpretRegQuery(out, source).found) return [];
  return parseUninstallEntries(outputText(runner.platform, out.stdout), source);
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
  const ran = await runCommand(runner, argv, { label: "Get-AuthenticodeSignature", timeoutMs: SLOW_POWERSHELL_MS });
  if (!ran.ok) return ran.description;
  const out = ran.value;
  try {
    const signatures = parseAuthenticodeSignatures(outputText(runner.platform, out.stdout), ran.what);
    // A missing file is skipped silently; a failing run prints nothing at all.
    if (out.exitCode !== 0 && signatures.length === 0) return unread(ran.what, exitFailure(out, runner.platform), false).description;
    return signatures;
  } catch (error) {
    if (error instanceof ParseError) return error.message;
    throw error;
  }
}

/** Every user's AppX packages; on a Windows that should have them, their absence is a problem too. */
async function readAppx(runner: CommandRunner, problems: string[]): Promise<AppxPackage[] | undefined> {
  const appx = await readCommand(runner, [WIN32_APPX], parseAppxPackages, {
    label: "Get-AppxPackage",
    timeoutMs: SLOW_POWERSHELL_MS,
    ...TOLERANT,
  });
  if (appx.ok) return appx.value;
  problems.push(appx.description);
  return undefined;
}

/** winget is absent for SYSTEM and on servers: not running is no problem; failing is. */
async function readWinget(runner: CommandRunner, problems: string[]): Promise<WingetRow[] | undefined> {
  const winget = await readCommand(runner, [WIN32_WINGET_LIST], parseWingetList, { label: "winget list", ...TOLERANT });
  if (winget.ok) return winget.value;
  noteFailure(winget, problems);
  return undefined;
}
