// `brew info --json=v2 --installed`: installed formulae (with whether each was asked for) and casks (with the apps they put in place).
import { ParseError } from "../../../runner/parse-error.js";

export interface BrewFormula {
  /** `nmap`, `python@3.12`. */
  name: string;
  /** `nmap` for a homebrew/core formula, `user/tap/name` for any other tap (Homebrew's own convention). */
  fullName: string;
  /** The tap it came from, as brew states it or, on older brew without a `tap` key, as its full name implies. */
  tap?: string;
  /** Every installed keg's version. */
  versions: string[];
  /** A person ran `brew install` for it (any keg); otherwise it is there because something depends on it. */
  onRequest: boolean;
}

export interface BrewCask {
  token: string;
  /** Display name (`name[0]`): "iTerm2", "Day-O". */
  displayName?: string;
  tap?: string;
  /** The installed version (a string in every brew release seen). */
  version?: string;
  /** File names of the .app bundles the cask moves into /Applications (`iTerm.app`), after any `target:` rename. */
  apps: string[];
}

export interface BrewInfo {
  formulae: BrewFormula[];
  casks: BrewCask[];
}

export function parseBrewInfoJson(text: string, source: string): BrewInfo {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new ParseError(source, `not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isObject(doc) || !Array.isArray(doc.formulae))
    throw new ParseError(source, 'expected an object with a "formulae" array (the --json=v2 form)');
  const casks = doc.casks ?? [];
  if (!Array.isArray(casks)) throw new ParseError(source, `expected "casks" to be an array, got ${typeof casks}`);
  return {
    formulae: doc.formulae.map((f, i) => toFormula(f, `${source}: formulae[${i}]`)),
    casks: casks.map((c, i) => toCask(c, `${source}: casks[${i}]`)),
  };
}

function toFormula(raw: unknown, where: string): BrewFormula {
  if (!isObject(raw) || typeof raw.name !== "string" || raw.name === "") throw new ParseError(where, 'expected an object with a "name"');
  if (!Array.isArray(raw.installed)) throw new ParseError(where, `${raw.name}: expected an "installed" array`);
  const kegs = raw.installed.filter(isObject);
  const fullName = typeof raw.full_name === "string" && raw.full_name !== "" ? raw.full_name : raw.name;
  const formula: BrewFormula = {
    name: raw.name,
    fullName,
    versions: kegs.flatMap((k) => (typeof k.version === "string" && k.version !== "" ? [k.version] : [])),
    onRequest: kegs.some((k) => k.installed_on_request === true),
  };
  const tap = typeof raw.tap === "string" && raw.tap !== "" ? raw.tap : tapOf(fullName, "homebrew/core");
  if (tap !== undefined) formula.tap = tap;
  return formula;
}

function toCask(raw: unknown, where: string): BrewCask {
  if (!isObject(raw) || typeof raw.token !== "string" || raw.token === "") throw new ParseError(where, 'expected an object with a "token"');
  const cask: BrewCask = { token: raw.token, apps: Array.isArray(raw.artifacts) ? raw.artifacts.flatMap(appsOf) : [] };
  const names = Array.isArray(raw.name) ? raw.name.filter((n): n is string => typeof n === "string" && n.trim() !== "") : [];
  if (names[0] !== undefined) cask.displayName = names[0].trim();
  // Casks carry `tap` since Homebrew 3.x; before that only a non-default tap shows, in `full_token`.
  const fullToken = typeof raw.full_token === "string" ? raw.full_token : undefined;
  const tap =
    typeof raw.tap === "string" && raw.tap !== "" ? raw.tap : fullToken === undefined ? undefined : tapOf(fullToken, "homebrew/cask");
  if (tap !== undefined) cask.tap = tap;
  if (typeof raw.installed === "string" && raw.installed !== "") cask.version = raw.installed;
  return cask;
}

/** `user/tap/name` → `user/tap`; a bare name is the default tap's. */
function tapOf(fullName: string, defaultTap: string): string | undefined {
  const parts = fullName.split("/");
  if (parts.length === 1) return defaultTap;
  return parts.length === 3 ? `${parts[0]}/${parts[1]}` : undefined;
}

/**
 * Two artifact shapes: newer brew keys each stanza (`{"app": ["iTerm.app"]}`, `{"zap": …}`); older brew lists a
 * stanza's arguments alone (`["Day-3.0/Day-O.app"]`), so there an app is any argument naming a `.app`.
 * An app may be renamed where it lands: `["Foo.app", {"target": "Bar.app"}]`.
 */
function appsOf(artifact: unknown): string[] {
  if (Array.isArray(artifact)) return appArguments(artifact, true);
  if (isObject(artifact) && Array.isArray(artifact.app)) return appArguments(artifact.app, false);
  return [];
}

function appArguments(args: unknown[], mustEndInApp: boolean): string[] {
  const target = args.find((a): a is { target: string } => isObject(a) && typeof a.target === "string");
  const source = args.find((a): a is string => typeof a === "string");
  const named = target?.target ?? source;
  if (named === undefined) return [];
  const file = named.replace(/\/+$/, "").split("/").pop() ?? "";
  return file !== "" && (!mustEndInApp || /\.app$/i.test(file)) ? [file] : [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
