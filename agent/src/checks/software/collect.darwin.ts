// software facts on macOS: application bundles with their signatures, Homebrew formulae and casks, installer receipts — as titles.
import { COMMAND_NOT_FOUND, NotRecordedError, SourceUnavailableError, readOptional, runOptional, runRequired, type CommandOutput, type CommandRunner } from "../../runner/runner.js";
import { decodeText } from "../../runner/decode.js";
import { parseStatOwner } from "../../platform/darwin/stat.js";
import { reasonOf } from "../engine.js";
import { fillArgv, fillTemplate, type Collector, type SourceSpec } from "../types.js";
import { isAppleOnlyPath, needsCodesignTeam, placementOf } from "./apps.darwin.js";
import type { SoftwareFacts } from "./facts.js";
import { mergeDarwinTitles, type DarwinApp, type HomebrewListing } from "./merge.darwin.js";
import { parseBrewListVersions } from "./parse/brew.js";
import { parseBrewInfoJson } from "./parse/brew-info.js";
import { parseCodesignDisplay, type CodeSignature } from "./parse/codesign.js";
import { parseInfoPlist, type BundleInfo } from "./parse/info-plist.js";
import { parsePkgutilPkgInfo, parsePkgutilPkgs, type PkgReceipt } from "./parse/pkgutil.js";
import { parseSystemProfilerApps, type SpApplication } from "./parse/system-profiler-apps.js";

const SP_APPS = ["system_profiler", "-nospawn", "-xml", "SPApplicationsDataType", "-detailLevel", "full"];
const INFO_PLIST = "{app}/Contents/Info.plist";
const CODESIGN = ["codesign", "-dv", "{app}"];
const PKGUTIL_PKGS = ["pkgutil", "--pkgs"];
const PKGUTIL_INFO = ["pkgutil", "--pkg-info", "{pkg}"];
/** Apple Silicon and Intel Homebrew prefixes. brew refuses to run as root: run it as the owner of its prefix. */
const BREW_PREFIXES = ["/opt/homebrew", "/usr/local"] as const;
const brewOwner = (prefix: string) => ["stat", "-L", "-f", "%Su", `${prefix}/bin/brew`];
const asOwner = (prefix: string) => ["sudo", "-n", "-H", "-u", "{owner}", `${prefix}/bin/brew`];
const brewInfo = (prefix: string) => [...asOwner(prefix), "info", "--json=v2", "--installed"];
const brewList = (prefix: string, cask: boolean) => [...asOwner(prefix), "list", ...(cask ? ["--cask"] : []), "--versions"];

const UNSIGNED = /code object is not signed at all/;
const SP_TIMEOUT_MS = 180_000;
const BREW_TIMEOUT_MS = 60_000;
const PARALLEL_READS = 16;

const SOURCES: readonly SourceSpec[] = [
  { kind: "command", argv: SP_APPS, what: "every application bundle with version, path, origin and signing chain", optional: false },
  { kind: "file", path: INFO_PLIST, what: "each listed application's bundle id and version ({app}: its path from the list above)", optional: true },
  { kind: "command", argv: CODESIGN, what: "the team id of a top-level app whose Developer ID certificate names none (output on stderr)", optional: true },
  { kind: "command", argv: PKGUTIL_PKGS, what: "installer receipt ids", optional: true },
  { kind: "command", argv: PKGUTIL_INFO, what: "each receipt's version ({pkg}: an id from pkgutil --pkgs)", optional: true },
  ...BREW_PREFIXES.flatMap((prefix): SourceSpec[] => [
    { kind: "command", argv: brewOwner(prefix), what: `whether Homebrew is installed in ${prefix}, and who owns it`, optional: true },
    { kind: "command", argv: brewInfo(prefix), what: `Homebrew formulae (tap, installed on request) and casks in ${prefix}, run as its owner ({owner})`, optional: true },
    { kind: "command", argv: brewList(prefix, false), what: `Homebrew formulae in ${prefix} when brew info cannot be read (tap unknown)`, optional: true },
    { kind: "command", argv: brewList(prefix, true), what: `Homebrew casks in ${prefix} when brew info cannot be read (tap unknown)`, optional: true },
  ]),
];

export const collectSoftwareDarwin: Collector<SoftwareFacts> = {
  sources: SOURCES,
  async collect(runner) {
    const problems: string[] = [];
    const apps = await readApplications(runner, problems);
    const sources: SoftwareFacts["sources"] = ["app"];
    const receipts = await readReceipts(runner, problems);
    if (receipts !== undefined) sources.push("pkgutil");
    const homebrew = await readHomebrew(runner, problems);
    if (homebrew !== undefined) sources.push("homebrew");
    return { titles: mergeDarwinTitles({ apps, receipts: receipts ?? [], homebrew: homebrew ?? [] }), sources, problems };
  },
};

async function readApplications(runner: CommandRunner, problems: string[]): Promise<DarwinApp[]> {
  const out = await runRequired(runner, SP_APPS, { timeoutMs: SP_TIMEOUT_MS });
  if (out.exitCode !== 0) throw new SourceUnavailableError(SP_APPS.join(" "), `exit code ${out.exitCode}`);
  const listed = parseSystemProfilerApps(decodeText(out.stdout), SP_APPS.join(" ")).filter((a) => placementOf(a.path) !== "data");
  let unreadable = 0;
  const infos = await mapLimit(listed, PARALLEL_READS, async (app): Promise<BundleInfo | undefined> => {
    // Apple's own bundles are judged by where they live; their ids would only be read to be ignored.
    if (app.path === undefined || !/\.app$/i.test(app.path) || isAppleOnlyPath(app.path)) return undefined;
    const path = fillTemplate(INFO_PLIST, { app: app.path });
    const bytes = await readOptional(runner, path);
    if (bytes === undefined) return undefined;
    try {
      return parseInfoPlist(bytes, path);
    } catch {
      unreadable++;
      return undefined;
    }
  });
  if (unreadable > 0) problems.push(`${unreadable} application Info.plist file(s) could not be parsed; those apps are listed without a bundle id`);
  const signatures = await readTeamIds(runner, listed, problems);
  return listed.map((listedApp, i) => {
    const info = infos[i];
    const version = listedApp.version ?? info?.shortVersion ?? info?.bundleVersion;
    const app = version === undefined ? listedApp : { ...listedApp, version };
    const entry: DarwinApp = { app };
    const signature = signatures.get(i);
    if (signature !== undefined) entry.codesign = signature;
    const bundleId = info?.bundleId ?? signature?.identifier;
    if (bundleId !== undefined) entry.bundleId = bundleId;
    return entry;
  });
}

/** `codesign -dv` for the top-level apps whose Developer ID certificate predates team ids, and only those. */
async function readTeamIds(runner: CommandRunner, apps: readonly SpApplication[], problems: string[]): Promise<Map<number, CodeSignature>> {
  const wanted = apps.flatMap((app, i) => (app.path !== undefined && placementOf(app.path) === "installed" && needsCodesignTeam(app) ? [{ app, i, path: app.path }] : []));
  const found = new Map<number, CodeSignature>();
  const failed: { name: string; reason: string }[] = [];
  await mapLimit(wanted, PARALLEL_READS, async ({ app, i, path }) => {
    const argv = fillArgv(CODESIGN, { app: path });
    const ran = await attempt(runner, argv);
    if (!ran.ok) {
      failed.push({ name: app.name, reason: ran.reason });
      return;
    }
    const stderr = decodeText(ran.out.stderr);
    // codesign answers an unsigned bundle with exit code 1 and a sentence the parser knows.
    if (ran.out.exitCode !== 0 && !UNSIGNED.test(stderr)) {
      failed.push({ name: app.name, reason: failure(ran.out) });
      return;
    }
    try {
      found.set(i, parseCodesignDisplay(stderr, argv.join(" ")));
    } catch (error) {
      failed.push({ name: app.name, reason: reasonOf(error) });
    }
  });
  if (failed.length > 0) {
    const each = failed.sort((a, b) => a.name.localeCompare(b.name)).map((f) => `${f.name} (${f.reason})`);
    problems.push(`codesign -dv: team id unknown for ${failed.length} app(s) whose Developer ID certificate names no team: ${each.slice(0, 5).join(", ")}${each.length > 5 ? ", …" : ""}`);
  }
  return found;
}

async function readReceipts(runner: CommandRunner, problems: string[]): Promise<PkgReceipt[] | undefined> {
  const out = await runOptional(runner, PKGUTIL_PKGS);
  if (out === undefined) return undefined;
  try {
    if (out.exitCode !== 0) throw new SourceUnavailableError(PKGUTIL_PKGS.join(" "), `exit code ${out.exitCode}`);
    const ids = parsePkgutilPkgs(decodeText(out.stdout), PKGUTIL_PKGS.join(" "));
    return await mapLimit(ids, PARALLEL_READS, async (id): Promise<PkgReceipt> => {
      const argv = fillArgv(PKGUTIL_INFO, { pkg: id });
      const info = await runOptional(runner, argv);
      if (info === undefined) return { id };
      try {
        const receipt = parsePkgutilPkgInfo(decodeText(info.stdout), decodeText(info.stderr), argv.join(" "));
        return receipt?.version === undefined ? { id } : { id, version: receipt.version };
      } catch {
        return { id };
      }
    });
  } catch (error) {
    problems.push(reasonOf(error));
    return undefined;
  }
}

/** Formulae and casks of every Homebrew prefix on the machine; undefined when there is none. */
async function readHomebrew(runner: CommandRunner, problems: string[]): Promise<HomebrewListing[] | undefined> {
  let found: HomebrewListing[] | undefined;
  for (const prefix of BREW_PREFIXES) {
    const ownerArgv = brewOwner(prefix);
    const stat = await runOptional(runner, ownerArgv);
    if (stat === undefined || stat.exitCode !== 0) continue; // no Homebrew here
    try {
      const owner = parseStatOwner(decodeText(stat.stdout), ownerArgv.join(" ")).user;
      if (owner === "root") throw new SourceUnavailableError(`Homebrew in ${prefix}`, "owned by root, and brew refuses to run as root");
      const listing = await readBrewInfo(runner, prefix, owner);
      found ??= [];
      if (listing.ok) {
        found.push(listing.value);
        continue;
      }
      // What brew list gives is kept (deny rules judge it by name) even if half of it fails.
      const fallback: HomebrewListing = { formulae: [], casks: [], unknown: `Homebrew tap unknown: brew info --json=v2 not available (${listing.reason})` };
      found.push(fallback);
      for (const cask of [false, true]) {
        const argv = fillArgv(brewList(prefix, cask), { owner });
        const out = await runRequired(runner, argv, { timeoutMs: BREW_TIMEOUT_MS });
        if (out.exitCode !== 0) throw new SourceUnavailableError(argv.join(" "), decodeText(out.stderr).trim().split("\n")[0] || `exit code ${out.exitCode}`);
        for (const p of parseBrewListVersions(decodeText(out.stdout), argv.join(" "))) {
          if (cask) fallback.casks.push({ token: p.name, apps: [], ...(p.versions[0] === undefined ? {} : { version: p.versions[0] }) });
          else fallback.formulae.push({ name: p.name, fullName: p.name, versions: p.versions });
        }
      }
    } catch (error) {
      problems.push(reasonOf(error));
    }
  }
  return found;
}

async function readBrewInfo(runner: CommandRunner, prefix: string, owner: string): Promise<{ ok: true; value: HomebrewListing } | { ok: false; reason: string }> {
  const argv = fillArgv(brewInfo(prefix), { owner });
  const ran = await attempt(runner, argv, BREW_TIMEOUT_MS);
  if (!ran.ok) return ran;
  if (ran.out.exitCode !== 0) return { ok: false, reason: failure(ran.out) };
  try {
    return { ok: true, value: parseBrewInfoJson(decodeText(ran.out.stdout), argv.join(" ")) };
  } catch (error) {
    return { ok: false, reason: reasonOf(error) };
  }
}

/** Runs an optional command; when it gives nothing to read, says why in words. */
async function attempt(runner: CommandRunner, argv: readonly string[], timeoutMs?: number): Promise<{ ok: true; out: CommandOutput } | { ok: false; reason: string }> {
  let out: CommandOutput;
  try {
    out = await runner.run(argv, timeoutMs === undefined ? undefined : { timeoutMs });
  } catch (error) {
    if (error instanceof NotRecordedError) return { ok: false, reason: "not recorded" };
    throw error;
  }
  return out.exitCode === COMMAND_NOT_FOUND ? { ok: false, reason: "not installed" } : { ok: true, out };
}

function failure(out: CommandOutput): string {
  const message = decodeText(out.stderr).trim().split("\n")[0]?.trim() ?? "";
  return message === "" ? `exit code ${out.exitCode}` : `exit code ${out.exitCode}: ${message.slice(0, 200)}`;
}

/** Runs `fn` over `items` with at most `limit` in flight, keeping the order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
