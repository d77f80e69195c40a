// The real binary: bin/compliance-server.js over the built dist/, in its own process, on SQLite and on PostgreSQL.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import https from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { AGENT_CHANNEL_PATH, type EnrollResponse, ViolationPage } from "@wegroup/shared";
import WebSocket from "ws";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TestAgent } from "../testing/agent-client.js";
import { TEST_DATABASES, type TestDatabase } from "../testing/databases.js";
import { helloFrame, reportFrame, usbFail } from "../testing/frames.js";
import { buildServer, ServerProcess } from "../testing/process.js";
import { withTimeout } from "../testing/wait.js";

let root: string;
const running: ServerProcess[] = [];
const agents: TestAgent[] = [];
const start = (args: string[], env: Record<string, string> = {}) => {
  const p = ServerProcess.start(args, { cwd: root, env });
  running.push(p);
  return p;
};

beforeAll(async () => {
  await buildServer();
});
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "compliance-process-"));
});
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
  await Promise.all(running.splice(0).map((p) => p.stop()));
  await rm(root, { recursive: true, force: true });
});

async function enroll(url: string, dataDir: string, hardwareId: string): Promise<EnrollResponse> {
  const secret = (await readFile(path.join(dataDir, "enroll-secret"), "utf8")).trim();
  const res = await fetch(`${url}/api/v1/enroll`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ secret, hostname: "proc-host", os: "linux", hardwareId }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as EnrollResponse;
}

async function openViolations(url: string, dataDir: string) {
  const token = (await readFile(path.join(dataDir, "admin-token"), "utf8")).trim();
  const res = await fetch(`${url}/api/v1/violations?status=open`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return ViolationPage.parse(await res.json()).items;
}

async function reportUsb(url: string, dataDir: string, hardwareId: string, serial: string): Promise<void> {
  const { deviceId, credential } = await enroll(url, dataDir, hardwareId);
  const agent = await TestAgent.hello(`${url.replace(/^http/, "ws")}${AGENT_CHANNEL_PATH}`, deviceId, credential);
  agents.push(agent);
  const report = reportFrame([usbFail(serial)]);
  agent.send(report);
  await agent.ack(report.id);
}

describe("compliance-server process", () => {
  it("on first start writes the admin token and enroll secret (0600) and says where; later starts reuse them", async () => {
    const first = start(["--listen", "127.0.0.1:0"]); // --data-dir defaults to ./data
    const url = await first.listening();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const dataDir = path.join(root, "data");
    for (const name of ["admin-token", "enroll-secret"]) expect((await stat(path.join(dataDir, name))).mode & 0o777).toBe(0o600);
    const lines = first.humanLines();
    expect(lines[0]).toBe(`compliance-server listening on ${url}`);
    expect(lines.join("\n")).toContain(path.join(dataDir, "admin-token"));
    expect(lines.join("\n")).toContain(path.join(dataDir, "enroll-secret"));
    expect(lines.join("\n")).toContain(`dashboard: ${url}/`);
    const health = await fetch(`${url}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { status: "ok" }]);
    const token = await readFile(path.join(dataDir, "admin-token"), "utf8");
    expect(await first.stop()).toBe(0);

    const second = start(["--listen", "127.0.0.1:0", "--data-dir", dataDir]);
    await second.listening();
    expect(second.humanLines()).toHaveLength(1);
    expect(await readFile(path.join(dataDir, "admin-token"), "utf8")).toBe(token);
    // The JSON logs beside the human line never carry the secrets.
    expect(second.stdout + first.stdout).not.toContain(token.trim());
  });

  it("takes its settings from the environment", async () => {
    const dataDir = path.join(root, "env-data");
    const p = start([], {
      COMPLIANCE_LISTEN: "127.0.0.1:0",
      COMPLIANCE_DATA_DIR: dataDir,
      COMPLIANCE_DB: `sqlite:${path.join(root, "elsewhere", "c.db")}`,
    });
    await p.listening();
    expect((await stat(path.join(dataDir, "admin-token"))).isFile()).toBe(true);
    expect((await stat(path.join(root, "elsewhere", "c.db"))).mode & 0o777).toBe(0o600);
  });

  it("serves an agent end to end and stops gracefully on SIGTERM with exit code 0", async () => {
    const dataDir = path.join(root, "d");
    const p = start(["--listen", "127.0.0.1:0", "--data-dir", dataDir]);
    const url = await p.listening();
    await reportUsb(url, dataDir, "hw-proc-1", "PROC-SERIAL-1");
    expect((await openViolations(url, dataDir)).map((v) => v.subject)).toEqual(["PROC-SERIAL-1"]);
    const agent = agents[0];
    expect(await p.stop()).toBe(0);
    expect((await agent?.waitClosed())?.code).toBe(1001);
    expect(p.stdout).toMatch(/"msg":"stopped"/);
  });

  it.each([
    [["--listen", "nowhere"], /--listen: expected HOST:PORT/],
    [["--tls-cert", "c.pem"], /--tls-cert and --tls-key go together/],
    [["--db", "mysql://x"], /--db: expected sqlite:<path> or postgres/],
    [["--log-level", "loud"], /log-level/],
  ])("refuses %j with a message and exit code 2", async (args, message) => {
    const p = start(args);
    expect(await withTimeout(p.exited, 10_000, "exit")).toBe(2);
    expect(p.stderr).toMatch(message);
  });

  it("serves HTTPS and WSS with --tls-cert and --tls-key", async () => {
    const cert = path.join(root, "cert.pem");
    const key = path.join(root, "key.pem");
    await promisify(execFile)("openssl", [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ]);
    const ca = await readFile(cert);
    const p = start(["--listen", "127.0.0.1:0", "--data-dir", path.join(root, "tls"), "--tls-cert", cert, "--tls-key", key]);
    const url = await p.listening();
    expect(url).toMatch(/^https:\/\//);
    const body = await new Promise<string>((resolve, reject) => {
      https
        .get(`${url}/healthz`, { ca }, (res) => {
          let text = "";
          res.on("data", (c: Buffer) => (text += c.toString()));
          res.on("end", () => resolve(text));
        })
        .on("error", reject);
    });
    expect(JSON.parse(body)).toEqual({ status: "ok" });
    const ws = new WebSocket(`${url.replace(/^https/, "wss")}${AGENT_CHANNEL_PATH}`, { ca });
    const closed = new Promise<number>((resolve) => ws.on("close", (code) => resolve(code)));
    await withTimeout(new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject)), 5_000, "a WSS connection");
    ws.send(JSON.stringify(helloFrame("0190aaaa-0000-7000-8000-000000000000", "x".repeat(43))));
    expect(await withTimeout(closed, 5_000, "close")).toBe(4401);
  });
});

describe.each(TEST_DATABASES.filter((d) => d.name === "postgres"))("compliance-server processes on $name", (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await kind.create();
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it("lets two instances start at once on one database and see each other's violations", async () => {
    if (database.target.kind !== "postgres") throw new Error("expected a PostgreSQL target");
    const dataDir = path.join(root, "shared-data");
    const a = start(["--listen", "127.0.0.1:0", "--data-dir", dataDir, "--db", database.target.url]);
    const b = start(["--listen", "127.0.0.1:0", "--data-dir", dataDir, "--db", database.target.url]);
    const [urlA, urlB] = await Promise.all([a.listening(), b.listening()]);
    await reportUsb(urlA ?? "", dataDir, "hw-pg-1", "PG-SERIAL-1");
    expect((await openViolations(urlB ?? "", dataDir)).map((v) => [v.subject, v.hostname])).toEqual([["PG-SERIAL-1", "test-laptop"]]);
  });
});
