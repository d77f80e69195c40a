// `apt-mark showmanual`: the packages installed by hand, one name a line (foreign architectures as `name:arch`).
import { ParseError } from "../../../runner/parse-error.js";
import { PACKAGE_NAME } from "./dpkg-common.js";

export function parseAptMarkNames(text: string, source = "apt-mark showmanual"): string[] {
  const names: string[] = [];
  text.split("\n").forEach((raw, i) => {
    const name = raw.trim();
    if (name === "") return;
    if (!PACKAGE_NAME.test(name)) throw new ParseError(source, `line ${i + 1} is not a package name: "${name.slice(0, 120)}"`);
    names.push(name);
  });
  return names;
}
