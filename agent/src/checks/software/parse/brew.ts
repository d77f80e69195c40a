// `brew list --versions` and `brew list --cask --versions`: `name version [version …]` per line.
import { ParseError } from "../../../runner/parse-error.js";

export interface BrewPackage {
  /** Formula or cask token: `ffmpeg@4`, `google-chrome`, `user/tap/name`. */
  name: string;
  /** Every installed version, as printed (`5.0-with-options_1`, `3.2.0_2`, `latest`). */
  versions: string[];
}

const NAME = /^[A-Za-z0-9][\w@+.\-/]*$/;

export function parseBrewListVersions(text: string, source: string): BrewPackage[] {
  const packages: BrewPackage[] = [];
  for (const [index, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    const [name, ...versions] = line.trim().split(/\s+/);
    if (name === undefined || !NAME.test(name) || versions.length === 0) {
      throw new ParseError(source, `line ${index + 1}: expected "name version…", got ${JSON.stringify(line.slice(0, 80))}`);
    }
    packages.push({ name, versions });
  }
  return packages;
}
