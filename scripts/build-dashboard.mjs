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
  plugins: [
    {
      // zod's every locale is re-exported by its namespace; the dashboard needs English only.
      name: "zod-english-only",
      setup(b) {
        b.onResolve({ filter: /[\\/]locales[\\/]index\.js$/ }, (args) =>
          args.importer.includes(`${path.sep}zod${path.sep}`) ? { path: path.join(root, "server/web/zod-locales.js") } : undefined,
        );
      },
    },
  ],
  logLevel: "warning",
});
