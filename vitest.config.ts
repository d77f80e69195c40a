import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * Five tiers, one project each (`npm run test:unit|test:fuzz|test:integration|test:e2e|test:installers`; `npm test` runs all):
 * - unit: pure tests beside the code — no database, no process, no socket (the guard in
 *   vitest.unit-setup.ts refuses them), milliseconds each;
 * - fuzz: the pure property tests over mangled inputs (`*.fuzz.test.ts` outside integration/), under the
 *   same guard: seconds each, so they do not slow the unit tier a developer runs on every change;
 * - integration: anything in an `integration/` folder — real databases (SQLite and PostgreSQL),
 *   an in-process server, the commands of this machine;
 * - e2e: test/ — built programs as real processes;
 * - installers: installers/test/ — the native packages built, linted and installed (npm run test:installers).
 * A file is in exactly one tier: by folder, and a pure fuzz file by its `.fuzz.test.ts` ending.
 */
// bench/src: only pure helpers have tests (the HAProxy configuration text, the payload's variation); bench figures never do.
const PURE = ["shared/src/**/*.test.ts", "agent/src/**/*.test.ts", "server/src/**/*.test.ts", "bench/src/**/*.test.ts"];
const FUZZ = "**/*.fuzz.test.ts";
const INTEGRATION = [
  "shared/src/**/integration/**/*.test.ts",
  "agent/src/**/integration/**/*.test.ts",
  "server/src/**/integration/**/*.test.ts",
];

// Tests import workspace sources directly; programs run from the built dist/ (see README).
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@wegroup\/shared$/, replacement: fileURLToPath(new URL("./shared/src/index.ts", import.meta.url)) },
      { find: /^@wegroup\/shared\/testing$/, replacement: fileURLToPath(new URL("./shared/src/testing/fuzz.ts", import.meta.url)) },
    ],
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: PURE,
          exclude: ["**/node_modules/**", "**/dist/**", ...INTEGRATION, FUZZ],
          setupFiles: ["./vitest.unit-setup.ts"],
          // Pure tests share nothing mutable, so one module graph per worker: imports load once, not per file.
          pool: "threads",
          isolate: false,
          testTimeout: 5_000,
        },
      },
      {
        extends: true,
        test: {
          name: "fuzz",
          include: PURE.map((p) => p.replace("*.test.ts", "*.fuzz.test.ts")),
          exclude: ["**/node_modules/**", "**/dist/**", ...INTEGRATION],
          setupFiles: ["./vitest.unit-setup.ts"],
        },
      },
      { extends: true, test: { name: "integration", include: INTEGRATION } },
      { extends: true, test: { name: "e2e", include: ["test/**/*.test.ts"] } },
      // The native installers, built and installed for real (dpkg as root, Wine for the .msi): minutes, one file at a time.
      {
        extends: true,
        test: {
          name: "installers",
          include: ["installers/test/**/*.test.ts"],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
