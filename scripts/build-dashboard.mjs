// Bundles the dashboard's npm parts (Preact, htm, the shared zod schemas) into server/public/vendor/vendor.js: run by `npm run build`.
import { build } from "esbuild";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
await build({
  entryPoints: [path.join(root, "server/web/vendor-entry.js")],
  outfile: path.join(root, "server/public/vendor/vendor.js"),
  bundle: true,
  format: "esm",
  minify: true,
  target: "es2022",
  legalComments: "eof",
  logLevel: "warning",
});
