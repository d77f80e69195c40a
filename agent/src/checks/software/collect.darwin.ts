// software facts on macOS: application bundles with their signatures, Homebrew formulae and casks, installer receipts — as titles.
import {
  fileBytes,
  firstSucceeding,
  noteFailure,
  outputText,
  readCommand,
  required,
  runCommand,
  type ParseOptions,
  type SourceRead,
} from "../../runner/read-source.js";
import { SourceUnavailableError, type CommandRunner } from "../../runner/runner.js";
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
/** A source whose output does not parse is one more problem: the titles of the others are still judged. */
const TOLERANT: ParseOptions = { parseErrors: "unread" };

const SOURCES: readonly SourceSpec[] = [
  { kind: "command", argv: SP_APPS, what: "every application bundle with version, path, origin and signing chain", optional: false },
  {
    kind: "file",
    path: INFO_PLIST,
    what: "each listed application's bundle id and version ({app}: its path from the list above)",
    optional: true,
  },
  {
    kind: "command",
    argv: CODESIGN,
    what: "the team id of a top-level app whose Developer ID certificate names none (output on stderr)",
    optional: true,
  },
  { kind: "command", argv: PKGUTIL_PKGS, what: "installer receipt ids", optional: true },
  { kind: "command", argv: PKGUTIL_INFO, what: "each receipt's version ({pkg}: an id from pkgutil --pkgs)", optional: true },
  ...BREW_PREFIXES.flatMap((prefix): SourceSpec[] => [
    { kind: "command", argv: brewOwner(prefix), what: `whether Homebrew is installed in ${prefix}, and who owns it`, optional: true },
    {
      kind: "command",
      argv: brewInfo(prefix),
      what: `Homebrew formulae (tap, installed on request) and casks in ${prefix}, run as its owner ({owner})`,
      optional: true,
    },
    {
      kind: "command",
      argv: brewList(prefix, false),
      what: `Homebrew formulae in ${prefix} when brew info cannot be read (tap unknown)`,
      optional: true,
    },
    {
      kind: "command",
      argv: brewList(prefix, true),
      what: `Homebrew casks in ${prefix} when brew info cannot be read (tap unknown)`,
      optional: true,
    },
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
  const listed = required(await readCommand(runner, [SP_APPS], parseSystemProfilerApps, { timeoutMs: SP_TIMEOUT_MS })).filter(
    (a) => placementOf(a.path) !== "data",
  );
  let unreadable = 0;
  const infos = await mapLimit(listed, PARALLEL_READS, async (app): Promise<BundleInfo | undefined> => {
    // Apple's own bundles are judged by where they live; their ids would only be read to be ignored.
    if (app.path === undefined || !/\.app$/i.test(app.path) || isAppleOnlyPath(app.path)) return undefined;
    const path = fillTemplate(INFO_PLIST, { app: app.path });
    const file = await fileBytes(runner, path);
    if (!file.ok) {
      if (!file.absent) unreadable++;
      return undefined;
    }
    try {
      return parseInfoPlist(file.value, path);
    } catch {
      unreadable++;
      return undefined;
    }
  });
  if (unreadable > 0)
    problems.push(`${unreadable} application Info.plist file(s) could not be read or parsed; those apps are listed without a bundle id`);
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
  const wanted = apps.flatMap((app, i) =>
    app.path !== undefined && placementOf(app.path) === "installed" && needsCodesignTeam(app) ? [{ app, i, path: app.path }] : [],
  );
  const found = new Map<number, CodeSignature>();
  const failed: { name: string; reason: string }[] = [];
  await mapLimit(wanted, PARALLEL_READS, async ({ app, i, path }) => {
    const argv = fillArgv(CODESIGN, { app: path });
    // codesign answers an unsigned bundle with exit code 1 and a sentence the parser knows.
    const ran = await firstSucceeding(runner, [argv], {
      accepts: (out) => out.exitCode === 0 || UNSIGNED.test(outputText(runner.platform, out.stderr)),
    });
    if (!ran.ok) {
      failed.push({ name: app.name, reason: ran.reason });
      return;
    }
    try {
      found.set(i, parseCodesignDisplay(outputText(runner.platform, ran.value.stderr), ran.what));
    } catch (error) {
      failed.push({ name: app.name, reason: reasonOf(error) });
    }
  });
  if (failed.length > 0) {
    // Code-point order, not localeCompare: a collator pulls ~2 MB of ICU data into the service for one sort of a problem text.
    const each = failed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((f) => `${f.name} (${f.reason})`);
    problems.push(
      `codesign -dv: team id unknown for ${failed.length} app(s) whose Developer ID certificate names no team: ${each.slice(0, 5).join(", ")}${each.length > 5 ? ", …" : ""}`,
    );
  }
  return found;
}

async function readReceipts(runner: CommandRunner, problems: string[]): Promise<PkgReceipt[] | undefined> {
  const ids = await readCommand(runner, [PKGUTIL_PKGS], parsePkgutilPkgs, TOLERANT);
  if (!ids.ok) {
    noteFailure(ids, problems);
    return undefined;
  }
  return mapLimit(ids.value, PARALLEL_READS, async (id): Promise<PkgReceipt> => {
    const argv = fillArgv(PKGUTIL_INFO, { pkg: id });
    // A receipt pkgutil cannot show (exit code 1, "No receipt for …") still names the package.
    const info = await runCommand(runner, argv);
    if (!info.ok) return { id };
    try {
      const receipt = parsePkgutilPkgInfo(
        outputText(runner.platform, info.value.stdout),
        outputText(runner.platform, info.value.stderr),
        info.what,
      );
      return receipt?.version === undefined ? { id } : { id, version: receipt.version };
    } catch {
      return { id };
    }
  });
}

/** Formulae and casks of every Homebrew prefix on the machine; undefined when there is none. */
async function readHomebrew(runner: CommandRunner, problems: string[]): Promise<HomebrewListing[] | undefined> {
  let found: HomebrewListing[] | undefined;
  for (const prefix of BREW_PREFIXES) {
    const ownerArgv = brewOwner(prefix);
    const stat = await firstSucceeding(runner, [ownerArgv]);
    if (!stat.ok) continue; // no Homebrew here
    try {
      const owner = parseStatOwner(outputText(runner.platform, stat.value.stdout), stat.what).user;
      if (owner === "root") throw new SourceUnavailableError(`Homebrew in ${prefix}`, "owned by root, and brew refuses to run as root");
      const listing = await readBrewInfo(runner, prefix, owner);
      found ??= [];
      if (listing.ok) {
        found.push(listing.value);
        continue;
      }
      // What brew list gives is kept (deny rules judge it by name) even if half of it fails.
      const fallback: HomebrewListing = {
        formulae: [],
        casks: [],
        unknown: `Homebrew tap unknown: brew info --json=v2 not available (${listing.reason})`,
      };
      found.push(fallback);
      for (const cask of [false, true]) {
        const listed = required(
          await readCommand(runner, [fillArgv(brewList(prefix, cask), { owner })], parseBrewListVersions, { timeoutMs: BREW_TIMEOUT_MS }),
        );
        for (const p of listed) {
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

function readBrewInfo(runner: CommandRunner, prefix: string, owner: string): Promise<SourceRead<HomebrewListing>> {
  return readCommand(runner, [fillArgv(brewInfo(prefix), { owner })], parseBrewInfoJson, { timeoutMs: BREW_TIMEOUT_MS, ...TOLERANT });
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
