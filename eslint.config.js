// Lint: typescript-eslint's type-checked recommended rules (floating promises, exhaustive switches), no
// reaching into another workspace's internals, and no I/O modules in the pure folders.
import { builtinModules } from "node:module";
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const WORKSPACE_IMPORTS = [
  { group: ["@wegroup/*/src/*", "@wegroup/*/dist/*"], message: "import a workspace by its package name only" },
  { group: ["**/shared/src/*", "../../shared/*", "../shared/*"], message: "import @wegroup/shared instead" },
];

/** Parsers, merge steps, evaluators, facts, the violation lifecycle and shared/ are pure: data in, data out. */
const PURE = [
  "shared/src/**/*.ts",
  "agent/src/checks/**/parse/**/*.ts",
  "agent/src/checks/**/match/**/*.ts",
  "agent/src/checks/**/version/**/*.ts",
  "agent/src/checks/**/evaluate.ts",
  "agent/src/checks/**/facts.ts",
  "agent/src/checks/**/merge.*.ts",
  "server/src/violations/**/*.ts",
  "agent/src/notify/fix-texts.ts",
  "agent/src/notify/commands.ts",
  "agent/src/notify/decide.ts",
];
const PURE_MESSAGE =
  "a pure module does no I/O: the collector (through the CommandRunner) or the store reads, this module is handed the data";
const IO_PACKAGES = ["ws", "pg", "better-sqlite3", "usb", "fastify", "kysely", "pino", "commander"];

export default tseslint.config(
  {
    ignores: [
      "**/dist/**",
      "**/node_modules/**",
      "installers/.cache/**",
      "coverage/**",
      "fixtures/**",
      "data/**",
      "server/public/vendor/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    // One program from the root tsconfig (it includes every workspace and the tests). projectService would open each
    // workspace's tsconfig and, for the tests those exclude, the root one as well, checking most files twice:
    // measured 68 s of CPU against 44 s here.
    languageOptions: { parserOptions: { project: ["./tsconfig.json"], tsconfigRootDir: import.meta.dirname } },
  },
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      // An async function without await is how a synchronous implementation of a Promise-returning
      // interface (a replay runner, a test fake) turns a throw into a rejection: not a mistake here.
      "@typescript-eslint/require-await": "off",
      "no-restricted-imports": ["error", { patterns: WORKSPACE_IMPORTS }],
    },
  },
  {
    files: PURE,
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [...builtinModules, ...IO_PACKAGES].map((name) => ({ name, message: PURE_MESSAGE })),
          patterns: [...WORKSPACE_IMPORTS, { group: ["node:*"], message: PURE_MESSAGE }],
        },
      ],
    },
  },
  {
    // vitest's asymmetric matchers (expect.any, expect.stringMatching) are typed `any` by design.
    files: ["**/*.test.ts"],
    rules: { "@typescript-eslint/no-unsafe-assignment": "off" },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ["server/public/**/*.js"],
    languageOptions: {
      globals: Object.fromEntries(
        [
          "document",
          "window",
          "location",
          "sessionStorage",
          "fetch",
          "FormData",
          "URLSearchParams",
          "AbortController",
          "TextDecoderStream",
          "addEventListener",
          "removeEventListener",
          "structuredClone",
          "setInterval",
          "clearInterval",
          "setTimeout",
          "clearTimeout",
          "console",
        ].map((name) => [name, "readonly"]),
      ),
    },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly", setTimeout: "readonly", Buffer: "readonly" } },
  },
);
