#!/usr/bin/env node
// `npm run installers [-- deb rpm msi pkg]`: the agent's native installers in installers/dist/, each self-contained
// (the agent bundled into one JS file, its native USB module for the target, the vendor's unmodified Node.js binary).
import { statSync } from "node:fs";
import { relative } from "node:path";
import { ROOT, buildDeb, buildRpm } from "./lib.mjs";
import { buildMsi } from "./windows/build-msi.mjs";
import { buildPkg } from "./macos/build-pkg.mjs";

const BUILDERS = { deb: buildDeb, rpm: buildRpm, msi: buildMsi, pkg: buildPkg };
const wanted = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(BUILDERS);
for (const format of wanted) {
  const builder = BUILDERS[format];
  if (builder === undefined) {
    process.stderr.write(`unknown format ${format}: choose from ${Object.keys(BUILDERS).join(", ")}\n`);
    process.exit(2);
  }
  const started = Date.now();
  const out = await builder();
  process.stdout.write(
    `[installers] ${relative(ROOT, out)}: ${(statSync(out).size / 1048576).toFixed(1)} MiB in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
}
