// `npm start`: the server on its embedded SQLite database, this machine's agent enrolled against it,
// and simulated laptops replayed from the demo bundles, so the dashboard shows every OS.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const dataDir = resolve(process.env.COMPLIANCE_DATA_DIR ?? join(root, "data"));
const listen = process.env.COMPLIANCE_LISTEN ?? "127.0.0.1:8080";
const serverBin = join(root, "server", "bin", "compliance-server.js");
const agentBin = join(root, "agent", "bin", "compliance-agent.js");
const children = [];

function log(line) {
  process.stdout.write(`[start] ${line}\n`);
}

function ensureBuilt() {
  if (existsSync(join(root, "server", "dist", "main.js")) && existsSync(join(root, "agent", "dist", "cli", "main.js"))) return;
  log("building (npm run build)…");
  const r = spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function startServer() {
  return new Promise((resolveUrl, reject) => {
    // stdout is the server's JSON log; its lines for a person (listening, where the token is) come on stderr.
    const child = spawn(process.execPath, [serverBin, "--listen", listen, "--data-dir", dataDir], {
      cwd: root,
      stdio: ["ignore", "ignore", "pipe"],
    });
    children.push(child);
    let buffer = "";
    child.stderr.on("data", (chunk) => {
      buffer += chunk.toString();
      let nl;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const m = /listening on (http\S+)/.exec(line);
        if (m) resolveUrl(m[1]);
        if (!line.startsWith("{")) process.stdout.write(`[server] ${line}\n`);
      }
    });
    child.on("exit", (code) =>
      reject(new Error(`the server exited with code ${code}; is ${listen} already in use? Set COMPLIANCE_LISTEN=127.0.0.1:PORT`)),
    );
  });
}

function agent(args, name) {
  const r = spawnSync(process.execPath, [agentBin, ...args], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${name}: ${r.stderr || r.stdout}`);
  return r.stdout;
}

function startAgent(stateDir, replay, name) {
  const args = ["run", "--state-dir", stateDir, ...(replay ? ["--replay", replay] : [])];
  const child = spawn(process.execPath, [agentBin, ...args], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, COMPLIANCE_LOG_LEVEL: "warn" },
  });
  children.push(child);
  log(`agent ${name} running (state ${stateDir})`);
}

async function main() {
  ensureBuilt();
  const url = await startServer();
  const secret = readFileSync(join(dataDir, "enroll-secret"), "utf8").trim();

  const localState = join(dataDir, "agents", "this-machine");
  if (!existsSync(join(localState, "enrollment.json")))
    agent(["enroll", "--server", url, "--secret", secret, "--state-dir", localState], "enroll this machine");
  startAgent(localState, undefined, "this machine (live)");

  const bundles = join(root, "fixtures", "bundles");
  for (const file of existsSync(bundles) ? readdirSync(bundles).filter((f) => f.startsWith("demo-") && f.endsWith(".json")) : []) {
    const name = file.replace(/\.json$/, "");
    const state = join(dataDir, "agents", name);
    const bundle = join(bundles, file);
    if (!existsSync(join(state, "enrollment.json")))
      agent(["enroll", "--server", url, "--secret", secret, "--state-dir", state, "--replay", bundle], `enroll ${name}`);
    startAgent(state, bundle, `${name} (simulated from ${file})`);
  }

  log(`dashboard: ${url}/  (sign in with the token in ${join(dataDir, "admin-token")})`);
  log(`violations: curl -H "Authorization: Bearer $(cat ${join(dataDir, "admin-token")})" ${url}/api/v1/violations`);
  log("press Ctrl-C to stop");
}

function stopAll() {
  for (const child of children) child.kill("SIGTERM");
  setTimeout(() => process.exit(0), 3000).unref();
}
process.on("SIGINT", stopAll);
process.on("SIGTERM", stopAll);

main().catch((error) => {
  process.stderr.write(`[start] ${error.message}\n`);
  stopAll();
  process.exitCode = 1;
});
