import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Tests import workspace sources directly; programs run from the built dist/ (see README).
export default defineConfig({
  resolve: {
    alias: { "@wegroup/shared": fileURLToPath(new URL("./shared/src/index.ts", import.meta.url)) },
  },
  test: {
    include: ["shared/src/**/*.test.ts", "agent/src/**/*.test.ts", "server/src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
