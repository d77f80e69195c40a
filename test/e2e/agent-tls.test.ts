// A server with a certificate from a private CA: the agent enrolls over https and reports over wss with --ca.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { linuxLaptopBundle, writeBundle } from "../support/bundles.js";
import { enrollAgent, enrollArgs, eventually, runAgentCli, serverPerTest } from "../support/processes.js";

const run = promisify(execFile);

/** A private CA and a server certificate for 127.0.0.1 signed by it. */
async function makeCa(dir: string): Promise<{ ca: string; cert: string; key: string }> {
  const ca = join(dir, "ca.pem");
  const caKey = join(dir, "ca.key");
  const key = join(dir, "server.key");
  const csr = join(dir, "server.csr");
  const cert = join(dir, "server.pem");
  const ext = join(dir, "ext.cnf");
  await run("openssl", [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    caKey,
    "-out",
    ca,
    "-days",
    "1",
    "-subj",
    "/CN=WeGroup Test CA",
  ]);
  await run("openssl", ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1"]);
  await import("node:fs/promises").then((fs) => fs.writeFile(ext, "subjectAltName=IP:127.0.0.1\n"));
  await run("openssl", [
    "x509",
    "-req",
    "-in",
    csr,
    "-CA",
    ca,
    "-CAkey",
    caKey,
    "-CAcreateserial",
    "-out",
    cert,
    "-days",
    "1",
    "-extfile",
    ext,
  ]);
  return { ca, cert, key };
}

describe("agent over TLS with a private CA", () => {
  let ca: string;
  const setup = serverPerTest("wg-tls-", async (dir) => {
    const pki = await makeCa(dir);
    ca = pki.ca;
    return { tls: { cert: pki.cert, key: pki.key } };
  });

  it("enrolls over https and reports over wss when given --ca, and never logs its credential", async () => {
    const { dir, server } = setup;
    expect(server.url.startsWith("https://")).toBe(true);
    const bundle = join(dir, "laptop.json");
    const state = join(dir, "agent");
    await writeBundle(bundle, linuxLaptopBundle({ hostname: "lt-tls", usbStick: true, deniedSoftware: false }));

    const refused = await runAgentCli(enrollArgs(server, join(dir, "no-ca"), bundle));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/cannot reach .* \(.*(CERT|certificate|SELF_SIGNED|UNABLE).*\)/i);

    await enrollAgent(server, state, bundle, ["--ca", ca]);
    const agent = setup.runAgent(state, bundle);
    // Acknowledged means stored by the server: the report crossed wss:// with the private CA trusted.
    const acked = await eventually(
      async () => {
        const status = await runAgentCli(["status", "--state-dir", state, "--json"]);
        const parsed = JSON.parse(status.stdout) as { connection: string; lastReport: { ackedAt: string | null } | null };
        return parsed.connection === "connected" && parsed.lastReport?.ackedAt != null ? parsed : undefined;
      },
      60_000,
      "a report acknowledged over wss",
    );
    expect(acked.connection).toBe("connected");

    const enrollment = JSON.parse(await readFile(join(state, "enrollment.json"), "utf8")) as { credential: string };
    const stat = await import("node:fs/promises").then((fs) => fs.stat(join(state, "enrollment.json")));
    expect(stat.mode & 0o777).toBe(0o600);
    expect(agent.output()).not.toContain(enrollment.credential);
    expect(server.process.output()).not.toContain(enrollment.credential);
  }, 120_000);
});
