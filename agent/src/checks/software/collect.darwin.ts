// software facts on macOS: application bundles, installer receipts and Homebrew formulae and casks.
import { SourceUnavailableError, readOptional, runOptional, runRequired, type CommandRunner } from "../../runner/runner.js";
import { decodeText } from "../../runner/decode.js";
import { parseStatOwner } from "../../platform/darwin/stat.js";
import { reasonOf } from "../engine.js";
import { fillArgv, fillTemplate, type Collector, type SourceSpec } from "../types.js";
import type { InstalledPackage, SoftwareFacts } from "./facts.js";
import { parseBrewListVersions } from "./parse/brew.js";
import { parseInfoPlist, type BundleInfo } from "./parse/info-plist.js";
import { parsePkgutilPkgInfo, parsePkgutilPkgs } from "./parse/pkgutil.js";
import { parseSystemProfilerApps, type SpApplication } from "./parse/system-profiler-apps.js";

const SP_APPS = ["system_profiler", "-nospawn", "-xml", "SPApplicationsDataType", "-detailLevel", "full"];
const INFO_PLIST = "{app}/Contents/Info.plist";
const PKGUTIL_PKGS = ["pkgutil", "--pkgs"];
const PKGUTIL_INFO = ["pkgutil", "--pkg-info", "{pkg}"];
/** Apple Silicon and Intel Homebrew prefixes. brew refuses to run as root: run it as the owner of its prefix. */
const BREW_PREFIXES = ["/opt/homebrew", "/usr/local"] as const;
const brewOwner = (prefix: string) => ["stat", "-L", "-f", "%Su", `${prefix}/bin/brew`];
const brewList = (prefix: string, cask: boolean) => ["sudo", "-n", "-H", "-u", "{owner}", `${prefix}/bin/brew`, "list", ...(cask ? ["--cask"] : []), "--versions"];

const SP_TIMEOUT_MS = 180_000;
const BREW_TIMEOUT_MS = 60_000;
const PARALLEL_READS = 16;

const SOURCES: readonly SourceSpec[] = [
  { kind: "command", argv: SP_APPS, what: "every application bundle with version, path, origin and signer", optional: false },
  { kind: "file", path: INFO_PLIST, what: "each listed application's bundle id and version ({app}: its path from the list above)", optional: true },
  { kind: "command", argv: PKGUTIL_PKGS, what: "installer receipt ids", optional: true },
  { kind: "command", argv: PKGUTIL_INFO, what: "each receipt's version ({pkg}: an id from pkgutil --pkgs)", optional: true },
  ...BREW_PREFIXES.flatMap((prefix): SourceSpec[] => [
    { kind: "command", argv: brewOwner(prefix), what: `whether Homebrew is installed in ${prefix}, and who owns it`, optional: true },
    { kind: "command", argv: brewList(prefix, false), what: `Homebrew formulae in ${prefix}, run as its owner ({owner})`, optional: true },
    { kind: "command", argv: brewList(prefix, true), what: `Homebrew casks in ${prefix}, run as its owner ({owner})`, optional: true },
  ]),
];

/**
 * Sandbox containers and scripting folders hold bundles named like apps (`com.microsoft.openxml.excel.app`)
 * that are data of an installed app, not software someone installed.
 */
const NOT_AN_INSTALL = /\/Library\/(Containers|Group Containers|Application Scripts|HTTPStorages|Caches)\//;
/** Only Apple can write below these (System Integrity Protection), so what lives there is Apple's. */
const APPLE_ONLY = /^\/(System|Library\/Apple)\//;
const SIGNER = /^(?:Developer ID Application|Apple Distribution|3rd Party Mac Developer Application|Apple Development): (.+?) \([A-Z0-9]{10}\)/;

export const collectSoftwareDarwin: Collector<SoftwareFacts> = {
  sources: SOURCES,
  async collect(runner) {
    const problems: string[] = [];
    const packages = await readApplications(runner, problems);
    const sources: SoftwareFacts["sources"] = ["app"];
    const receipts = await readReceipts(runner, problems);
    if (receipts !== undefined) {
      sources.push("pkgutil");
      packages.push(...receipts);
    }
    const brew = await readHomebrew(runner, problems);
    if (brew !== undefined) {
      sources.push("homebrew");
      packages.push(...brew);
    }
    return { packages, sources, problems };
  },
};

async function readApplications(runner: CommandRunner, problems: string[]): Promise<InstalledPackage[]> {
  const out = await runRequired(runner, SP_APPS, { timeoutMs: SP_TIMEOUT_MS });
  if (out.exitCode !== 0) throw new SourceUnavailableError(SP_APPS.join(" "), `exit code ${out.exitCode}`);
  const apps = parseSystemProfilerApps(decodeText(out.stdout), SP_APPS.join(" ")).filter((a) => a.path === undefined || (/\.app$/i.test(a.path) && !NOT_AN_INSTALL.test(a.path)));
  let unreadable = 0;
  const infos = await mapLimit(apps, PARALLEL_READS, async (app): Promise<BundleInfo | undefined> => {
    if (app.path === undefined) return undefined;
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
  return apps.map((app, i) => toPackage(app, infos[i]));
}

function toPackage(app: SpApplication, info: BundleInfo | undefined): InstalledPackage {
  const pkg: InstalledPackage = { name: app.name, version: app.version ?? info?.shortVersion ?? info?.bundleVersion ?? "", source: "app" };
  const publisher = publisherOf(app);
  if (publisher !== undefined) pkg.publisher = publisher;
  if (info?.bundleId !== undefined) pkg.bundleId = info.bundleId;
  const arch = archOf(app.arch);
  if (arch !== undefined) pkg.arch = arch;
  return pkg;
}

/** The signer's name from the leaf certificate; Apple for Apple-signed or SIP-protected apps. */
export function publisherOf(app: SpApplication): string | undefined {
  for (const cert of app.signedBy) {
    const signer = SIGNER.exec(cert);
    if (signer !== null) return signer[1];
  }
  if (app.signedBy[0] === "Software Signing" || app.obtainedFrom === "apple") return "Apple Inc.";
  if (app.path !== undefined && APPLE_ONLY.test(app.path)) return "Apple Inc.";
  return undefined;
}

function archOf(raw: string | undefined): string | undefined {
  const known: Record<string, string> = {
    arch_arm_i64: "universal",
    arch_arm: "arm64",
    arch_i64: "x86_64",
    arch_i32_i64: "i386, x86_64",
    arch_i32: "i386",
    arch_x86: "intel",
    universal: "universal",
    intel: "intel",
    arch_ppc: "ppc",
    powerpc: "ppc",
  };
  return raw === undefined ? undefined : known[raw.toLowerCase()];
}

async function readReceipts(runner: CommandRunner, problems: string[]): Promise<InstalledPackage[] | undefined> {
  const out = await runOptional(runner, PKGUTIL_PKGS);
  if (out === undefined) return undefined;
  try {
    if (out.exitCode !== 0) throw new SourceUnavailableError(PKGUTIL_PKGS.join(" "), `exit code ${out.exitCode}`);
    const ids = parsePkgutilPkgs(decodeText(out.stdout), PKGUTIL_PKGS.join(" "));
    const versions = await mapLimit(ids, PARALLEL_READS, async (id) => {
      const argv = fillArgv(PKGUTIL_INFO, { pkg: id });
      const info = await runOptional(runner, argv);
      if (info === undefined) return "";
      try {
        return parsePkgutilPkgInfo(decodeText(info.stdout), decodeText(info.stderr), argv.join(" "))?.version ?? "";
      } catch {
        return "";
      }
    });
    return ids.map((id, i) => ({ name: id, version: versions[i] ?? "", source: "pkgutil", bundleId: id }));
  } catch (error) {
    problems.push(reasonOf(error));
    return undefined;
  }
}

/** Formulae and casks of every Homebrew prefix on the machine; undefined when there is none. */
async function readHomebrew(runner: CommandRunner, problems: string[]): Promise<InstalledPackage[] | undefined> {
  let found: InstalledPackage[] | undefined;
  for (const prefix of BREW_PREFIXES) {
    const ownerArgv = brewOwner(prefix);
    const stat = await runOptional(runner, ownerArgv);
    if (stat === undefined || stat.exitCode !== 0) continue; // no Homebrew here
    try {
      const owner = parseStatOwner(decodeText(stat.stdout), ownerArgv.join(" ")).user;
      if (owner === "root") throw new SourceUnavailableError(`Homebrew in ${prefix}`, "owned by root, and brew refuses to run as root");
      for (const cask of [false, true]) {
        const argv = fillArgv(brewList(prefix, cask), { owner });
        const out = await runRequired(runner, argv, { timeoutMs: BREW_TIMEOUT_MS });
        if (out.exitCode !== 0) throw new SourceUnavailableError(argv.join(" "), decodeText(out.stderr).trim().split("\n")[0] || `exit code ${out.exitCode}`);
        const listed = parseBrewListVersions(decodeText(out.stdout), argv.join(" "));
        found ??= [];
        for (const p of listed) for (const version of p.versions) found.push({ name: p.name, version, source: "homebrew" });
      }
    } catch (error) {
      problems.push(reasonOf(error));
    }
  }
  return found;
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
