// Lint: typescript-eslint's recommended rules, and no reaching into another workspace's internals.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "coverage/**", "fixtures/**", "data/**", "server/public/vendor/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@wegroup/*/src/*", "@wegroup/*/dist/*"], message: "import a workspace by its package name only" },
            { group: ["**/shared/src/*", "../../shared/*", "../shared/*"], message: "import @wegroup/shared instead" },
          ],
        },
      ],
    },
  },
  {
    files: ["server/public/**/*.js"],
    languageOptions: {
      globals: { document: "readonly", window: "readonly", localStorage: "readonly", fetch: "readonly", setInterval: "readonly", clearInterval: "readonly", setTimeout: "readonly", clearTimeout: "readonly", EventSource: "readonly", URLSearchParams: "readonly", console: "readonly" },
    },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly", setTimeout: "readonly" } },
  },
);
