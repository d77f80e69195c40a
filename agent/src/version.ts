// The agent's version, reported to the server (kept equal to agent/package.json by a test).
export const AGENT_VERSION = "0.1.0";
