// Test support: real recorded outputs from the repo's fixtures/ folder (copied from the shared set with their INDEX rows).
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const FIXTURES_DIR = fileURLToPath(new URL("../../../fixtures/", import.meta.url));

/** The bytes of fixtures/<relPath>, e.g. fixture("linux/lsblk/foo.json"). */
export function fixture(relPath: string): Buffer {
  return readFileSync(FIXTURES_DIR + relPath);
}

export function fixtureText(relPath: string): string {
  return fixture(relPath).toString("utf8");
}

/** Every file name in a fixture folder, e.g. fixtureFiles("linux/lsblk"). */
export function fixtureFiles(folder: string): string[] {
  return readdirSync(FIXTURES_DIR + folder).sort();
}
