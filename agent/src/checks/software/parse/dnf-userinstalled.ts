// `dnf history userinstalled`: a (localized) header, then the NEVRA of every package a user asked for.
import { ParseError } from "../../../runner/parse-error.js";
import { splitNevra } from "./rpm-common.js";

/** Package names of the listed NEVRAs (`emacs-1:26.1-1.fc28.x86_64` → `emacs`); lines before the first NEVRA are headers. */
export function parseDnfUserInstalled(text: string, source = "dnf history userinstalled"): string[] {
  const names: string[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "") return;
    const nevra = splitNevra(line);
    if (nevra !== undefined) {
      names.push(nevra.name);
      return;
    }
    if (names.length > 0 || i > 2)
      throw new ParseError(source, `line ${i + 1} is not name-[epoch:]version-release.arch: "${line.slice(0, 120)}"`);
  });
  return names;
}
