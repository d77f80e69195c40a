// Where the programs the benchmark drives live, found from the built bench/dist.
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const SERVER_BIN = path.join(REPO_ROOT, "server/bin/compliance-server.js");
export const AGENT_BIN = path.join(REPO_ROOT, "agent/bin/compliance-agent.js");
export const BUNDLES_DIR = path.join(REPO_ROOT, "fixtures/bundles");
/** Built agent modules the benchmark uses as they are (the agent package exports only its CLI surface). */
export const AGENT_BACKOFF_JS = path.join(REPO_ROOT, "agent/dist/service/backoff.js");
export const AGENT_SOFTWARE_EVALUATE_JS = path.join(REPO_ROOT, "agent/dist/checks/software/evaluate.js");
export const BENCH_DIST = path.join(REPO_ROOT, "bench/dist");
