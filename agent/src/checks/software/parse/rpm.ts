// rpm inventories: the agent's tab-separated --queryformat (with source rpm and signature), `rpm -qai`/`rpm -qi` blocks,
// glpi-agent's queryformat, or plain `rpm -qa` NEVRA lines.
import { ParseError } from "../../../runner/parse-error.js";
import { NEVRA, present, splitNevra, toPackage, type RpmFields, type RpmPackage } from "./rpm-common.js";
import { parseRpmInfo } from "./rpm-info.js";

/** What `rpm -qi` prints as the signature: the first header signature there is, DSA before RSA, then the v3 ones. */
const SIGNATURE_FORMAT =
  "%|DSAHEADER?{%{DSAHEADER:pgpsig}}:{%|RSAHEADER?{%{RSAHEADER:pgpsig}}:{%|SIGGPG?{%{SIGGPG:pgpsig}}:{%|SIGPGP?{%{SIGPGP:pgpsig}}:{(none)}|}|}|}|";

/**
 * The --queryformat the collector asks for: one package a line, tab-separated, the summary last (for gpg-pubkey
 * entries it is `gpg(<key user id>)`). rpm prints an absent tag as `(none)`.
 */
export const RPM_QUERY_FORMAT =
  String.raw`%{NAME}\t%{EPOCH}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{VENDOR}\t%{SOURCERPM}\t` + SIGNATURE_FORMAT + String.raw`\t%{SUMMARY}\n`;
/** The agent's earlier format (six fields, no source rpm or signature): still read from bundles recorded with it. */
export const RPM_QUERY_FORMAT_OLD = String.raw`%{NAME}\t%{EPOCH}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{VENDOR}\n`;

export type RpmFormat = "query" | "info" | "glpi" | "nevra";

export function sniffRpmFormat(text: string): RpmFormat | undefined {
  const first = text.split("\n").find((l) => l.trim() !== "") ?? "";
  if (/^Name\s*:/.test(first)) return "info";
  const fields = first.split("\t");
  if (fields.length === 6 || fields.length >= 9) return "query";
  if (fields.length === 8 && /^\d+$/.test(fields[3] ?? "") && /^\d+$/.test(fields[4] ?? "")) return "glpi";
  if (NEVRA.test(first.trim())) return "nevra";
  return undefined;
}

/** Installed rpm packages (gpg-pubkey entries included); the version is `[epoch:]version-release`, as rpm orders them. */
export function parseRpm(text: string, source = "rpm -qa"): RpmPackage[] {
  if (text.trim() === "") return [];
  const format = sniffRpmFormat(text);
  if (format === "info") return parseRpmInfo(text, source);
  if (format === "query") return parseRpmQuery(text, source);
  if (format === "glpi") return parseRpmGlpi(text, source);
  if (format === "nevra") return parseRpmNevra(text, source);
  throw new ParseError(source, `not rpm --queryformat, rpm -qai or rpm -qa output (starts with "${text.trimStart().slice(0, 60)}")`);
}

/** The agent's --queryformat: nine fields (or the six of its earlier format). */
export function parseRpmQuery(text: string, source = "rpm -qa --queryformat"): RpmPackage[] {
  const packages: RpmPackage[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    const fields = line.split("\t");
    const [name, epoch, version, release, arch, vendor, sourceRpm, signature, ...summary] = fields;
    if (
      (fields.length !== 6 && fields.length < 9) ||
      name === undefined ||
      version === undefined ||
      name.trim() === "" ||
      version.trim() === ""
    ) {
      throw new ParseError(
        source,
        `line ${i + 1} is not NAME, EPOCH, VERSION, RELEASE, ARCH, VENDOR, SOURCERPM, SIGNATURE and SUMMARY separated by tabs: "${line.slice(0, 120)}"`,
      );
    }
    if (present(epoch) !== undefined && !/^\d+$/.test(epoch?.trim() ?? ""))
      throw new ParseError(source, `line ${i + 1}: epoch "${epoch}" is not a number`);
    const row: RpmFields = { name: name.trim(), epoch, version: version.trim(), release: release?.trim(), arch, vendor };
    if (fields.length >= 9) Object.assign(row, { sourceRpm, signature: signature ?? "", keyUserId: summary.join("\t") });
    packages.push(toPackage(row));
  });
  return packages;
}

/** glpi-agent's format: NAME, ARCH, VERSION-RELEASE, INSTALLTIME, SIZE, VENDOR, SUMMARY, GROUP (no epoch, no signature). */
export function parseRpmGlpi(text: string, source = "rpm -qa --queryformat"): RpmPackage[] {
  const packages: RpmPackage[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    const fields = line.split("\t");
    const [name = "", arch, versionRelease = "", installTime = "", size = "", vendor] = fields;
    if (
      fields.length < 8 ||
      name.trim() === "" ||
      !/^\d+$/.test(installTime) ||
      !/^\d+$/.test(size) ||
      !/^[^\s-]+-[^\s-]+$/.test(versionRelease)
    ) {
      throw new ParseError(
        source,
        `line ${i + 1} is not NAME, ARCH, VERSION-RELEASE, INSTALLTIME, SIZE, VENDOR, SUMMARY and GROUP separated by tabs: "${line.slice(0, 120)}"`,
      );
    }
    packages.push(toPackage({ name: name.trim(), version: versionRelease, arch, vendor }));
  });
  return packages;
}

/** Plain `rpm -qa`: name-[epoch:]version-release.arch; gpg-pubkey has no arch. */
export function parseRpmNevra(text: string, source = "rpm -qa"): RpmPackage[] {
  const packages: RpmPackage[] = [];
  text.split("\n").forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === "") return;
    const nevra = splitNevra(trimmed);
    if (nevra !== undefined) {
      packages.push(toPackage(nevra));
      return;
    }
    const noArch = /^(.+)-(?:(\d+):)?([^-:]+)-([^-]+)$/.exec(trimmed);
    if (noArch === null) throw new ParseError(source, `line ${i + 1} is not name-version-release.arch: "${trimmed.slice(0, 120)}"`);
    packages.push(toPackage({ name: noArch[1] ?? "", epoch: noArch[2], version: noArch[3] ?? "", release: noArch[4] ?? "" }));
  });
  return packages;
}
