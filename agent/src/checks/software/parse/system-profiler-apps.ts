// `system_profiler SPApplicationsDataType` in any of its forms (-xml, -json, text): the application bundles Spotlight knows.
import { ParseError } from "../../../runner/parse-error.js";
import { looksLikeXml, parseXmlPlist } from "../../../platform/darwin/plist.js";
import { isPlistDict, plistArray, plistString, type PlistDict } from "../../../platform/darwin/plist-value.js";
import { parseSystemProfilerText } from "../../../platform/darwin/system-profiler-text.js";

export interface SpApplication {
  name: string;
  version?: string;
  /** Bundle path, e.g. /Applications/Safari.app. */
  path?: string;
  /** apple, identified_developer, mac_app_store, unknown (macOS 10.7+); absent on older releases. */
  obtainedFrom?: string;
  /** The signing chain, leaf first ("Developer ID Application: Mozilla Corporation (43AQ936H96)", …). */
  signedBy: string[];
  /** Architecture as reported: arch_arm_i64, arch_i64, arch_x86, universal, Intel, … */
  arch?: string;
}

const DATA_TYPE = "SPApplicationsDataType";

/** Sniffs the form from the content. An empty answer is an error: every Mac has applications. */
export function parseSystemProfilerApps(text: string, source: string): SpApplication[] {
  const trimmed = text.trim();
  if (trimmed === "") throw new ParseError(source, "no output");
  if (trimmed.startsWith("{")) return fromJson(trimmed, source);
  if (looksLikeXml(trimmed)) return fromXml(trimmed, source);
  return fromText(text, source);
}

function fromJson(text: string, source: string): SpApplication[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new ParseError(source, `not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const items = isPlistDict(doc) && Object.hasOwn(doc, DATA_TYPE) ? doc[DATA_TYPE] : undefined;
  if (!Array.isArray(items)) throw new ParseError(source, `expected a "${DATA_TYPE}" array`);
  return items.filter(isPlistDict).flatMap(fromDict);
}

function fromXml(text: string, source: string): SpApplication[] {
  const doc = parseXmlPlist(text, source);
  const report = (Array.isArray(doc) ? doc : []).filter(isPlistDict).find((r) => plistString(r, "_dataType") === DATA_TYPE);
  if (report === undefined) throw new ParseError(source, `expected an array holding the ${DATA_TYPE} report`);
  return plistArray(report, "_items").filter(isPlistDict).flatMap(fromDict);
}

function fromDict(d: PlistDict): SpApplication[] {
  const path = plistString(d, "path");
  const name = plistString(d, "_name") ?? baseName(path);
  if (name === undefined) return [];
  const app: SpApplication = {
    name,
    signedBy: plistArray(d, "signed_by").flatMap((s) => (typeof s === "string" && s.trim() !== "" ? [s.trim()] : [])),
  };
  set(app, "version", plistString(d, "version"));
  set(app, "path", path);
  set(app, "obtainedFrom", plistString(d, "obtained_from"));
  set(app, "arch", plistString(d, "arch_kind") ?? plistString(d, "runtime_environment"));
  return [app];
}

/** Text: `Applications:`, then one node per application with `Version:`, `Location:`, `Obtained from:`, `Signed by:`, `Kind:`. */
function fromText(text: string, source: string): SpApplication[] {
  const root = parseSystemProfilerText(text, source);
  const top = root.children.find((c) => c.title === "Applications");
  if (top === undefined) throw new ParseError(source, 'expected an "Applications:" tree');
  return top.children.map((node) => {
    const p = node.props;
    const app: SpApplication = { name: node.title, signedBy: splitSigningChain(p["Signed by"] ?? "") };
    set(app, "version", nonEmpty(p.Version));
    set(app, "path", nonEmpty(p.Location));
    const obtained = nonEmpty(p["Obtained from"]);
    if (obtained !== undefined) app.obtainedFrom = obtainedFromKey(obtained);
    set(app, "arch", nonEmpty(p.Kind));
    return app;
  });
}

/**
 * The text form joins the chain with ", ", and a signer's own name may hold ", " too
 * ("Developer ID Application: Zoom Video Communications, Inc. (BJ4HAAB9B3)"): the leaf is everything
 * before the trailing run of certificate authorities, which Apple names "… Certification Authority" or "… Root CA".
 */
export function splitSigningChain(joined: string): string[] {
  const parts = joined.split(", ").map((s) => s.trim());
  if (joined.trim() === "") return [];
  let first = parts.length;
  while (first > 1 && CERTIFICATE_AUTHORITY.test(parts[first - 1] as string)) first--;
  return [parts.slice(0, first).join(", "), ...parts.slice(first)].filter((s) => s !== "");
}

const CERTIFICATE_AUTHORITY = /(?:Certification Authority|Root CA)(?: - G\d+)?$/;

/** The text form prints the label the XML form keys by: "App Store" is `mac_app_store`, "Identified Developer" `identified_developer`. */
function obtainedFromKey(label: string): string {
  const key = label.toLowerCase().replace(/\s+/g, "_");
  return key === "app_store" ? "mac_app_store" : key;
}

function baseName(path: string | undefined): string | undefined {
  const last = path
    ?.split("/")
    .filter((s) => s !== "")
    .pop();
  return last?.replace(/\.app$/i, "");
}

function nonEmpty(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  return value === undefined || value === "" ? undefined : value;
}

function set<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
