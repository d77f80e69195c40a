// Where the programs the benchmark drives live, found from the built bench/dist.
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const SERVER_BIN = path.join(REPO_ROOT, "server/bin/compliance-server.js");
export const AGENT_BIN = path.join(REPO_ROOT, "agent/bin/compliance-agent.js");
/** The node flags and environment every service definition starts the agent with. */
export const AGENT_SERVICE_FLAGS = path.join(REPO_ROOT, "agent/service-flags.json");
export const BUNDLES_DIR = path.join(REPO_ROOT, "fixtures/bundles");
export const BENCH_DIST = path.join(REPO_ROOT, "bench/dist");
