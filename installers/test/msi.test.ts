// The .msi: its tables read back with msiinfo, then installed for real under Wine (msiexec /i … /qn SERVER_URL=…
// ENROLL_SECRET=…) against a real server: the service host starts node, the device enrolls, the secret leaves the
// registry; a service stop goes through the host; msiexec /x removes the service, the files, the keys and the state.
import { access, copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeviceList } from "@wegroup/shared";
import { api, eventually, startServer, type TestServer } from "../../test/support/processes.js";
import { buildInstaller, sh, VERSION } from "./support.js";

/** Rows of one table as msiinfo exports it (IDT: names, types, keys, then rows). */
async function table(msi: string, name: string): Promise<Record<string, string>[]> {
  const out = await sh("msiinfo", ["export", msi, name]);
  expect(out.code, out.stderr).toBe(0);
  const [head = "", , , ...rows] = out.stdout.split(/\r?\n/).filter((l) => l !== "");
  const columns = head.split("\t");
  return rows.map((row) => Object.fromEntries(row.split("\t").map((v, i) => [columns[i] ?? String(i), v])));
}

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

describe("the .msi", () => {
  let msi: string;
  let dir: string;
  let server: TestServer;
  let wineEnv: NodeJS.ProcessEnv;
  const wine = (args: string[], timeoutMs = 180_000) => sh("wine", args, { env: wineEnv, timeoutMs });

  beforeAll(async () => {
    msi = await buildInstaller("msi");
    dir = await mkdtemp(join(tmpdir(), "wg-msi-"));
    server = await startServer({ dataDir: join(dir, "server") });
    wineEnv = { WINEPREFIX: join(dir, "wine"), WINEDEBUG: "-all", WINEDLLOVERRIDES: "mscoree,mshtml=", DISPLAY: "" };
  });
  afterAll(async () => {
    if (wineEnv !== undefined) await sh("wineserver", ["-k"], { env: wineEnv });
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("holds the service, its control, failure actions, hidden public properties and the uninstall actions", async () => {
    expect(msi.endsWith(`compliance-agent-${VERSION}-x64.msi`)).toBe(true);
    const tables = (await sh("msiinfo", ["tables", msi])).stdout.split("\n");
    for (const t of [
      "ServiceInstall",
      "ServiceControl",
      "Property",
      "MsiServiceConfigFailureActions",
      "LockPermissions",
      "CustomAction",
      "Registry",
    ])
      expect(tables).toContain(t);
    expect(await table(msi, "ServiceInstall")).toEqual([
      expect.objectContaining({
        Name: "ComplianceAgent",
        ServiceType: "16",
        StartType: "2",
        StartName: "LocalSystem",
        Component_: "ServiceHost",
      }),
    ]);
    // 163 = start on install | stop on install | stop on uninstall | delete on uninstall
    expect(await table(msi, "ServiceControl")).toEqual([expect.objectContaining({ Name: "ComplianceAgent", Event: "163", Wait: "1" })]);
    const props: Record<string, string | undefined> = Object.fromEntries((await table(msi, "Property")).map((r) => [r.Property, r.Value]));
    expect(props.MsiHiddenProperties?.split(";")).toEqual(expect.arrayContaining(["SERVER_URL", "ENROLL_SECRET"]));
    expect(props.SecureCustomProperties?.split(";")).toEqual(expect.arrayContaining(["SERVER_URL", "ENROLL_SECRET"]));
    expect(props.ProductVersion).toBe(VERSION);
    expect(await table(msi, "MsiServiceConfigFailureActions")).toEqual([
      expect.objectContaining({ Name: "ComplianceAgent", Actions: "1[~]1[~]1", Component_: "ServiceHost" }),
    ]);
    expect((await table(msi, "Component")).find((c) => c.Component === "EnrollConfig")?.Condition).toBe("ENROLL_SECRET");
    expect((await table(msi, "LockPermissions")).map((r) => r.User).sort()).toEqual(["Administrators", "SYSTEM"]);
    const seq: Record<string, number | undefined> = Object.fromEntries(
      (await table(msi, "InstallExecuteSequence")).map((r) => [r.Action, Number(r.Sequence)]),
    );
    const at = (action: string): number => seq[action] ?? Number.NaN;
    // The goodbye reason is written after InstallInitialize and before the service stops; the purge after it is deleted.
    expect(at("InstallInitialize")).toBeLessThan(at("GoodbyeUninstall"));
    expect(at("GoodbyeUpgrade")).toBeLessThan(at("StopServices"));
    expect(at("DeleteServices")).toBeLessThan(at("PurgeState"));
    expect(at("PurgeState")).toBeLessThan(at("RemoveFiles"));
    expect(at("RemoveExistingProducts")).toBeLessThan(at("InstallInitialize"));
  });

  it("installs silently under Wine, the service host runs the agent which enrolls, and msiexec /x removes everything", async () => {
    expect((await wine(["wineboot", "-i"])).code).toBe(0);
    // Node.js 22 refuses Windows versions before 8.1; a fresh Wine prefix says Windows 7.
    expect((await wine(["winecfg", "-v", "win10"])).code).toBe(0);
    const secret = server.enrollSecret;
    // Under Wine 8 a service created by msiexec's InstallServices is not visible to the running service manager
    // (it is in the registry; Wine's services.exe loads it at its next start), so msiexec's own StartServices fails
    // with 1060 and the install rolls back — Windows does not do this. So a copy of the .msi runs here with only the
    // StartServices action disabled; then the Wine session is restarted (as a reboot would), and Wine's service
    // manager starts the automatic service. Every other table and action — files, InstallServices, the registry
    // values with the properties, the custom actions, the whole uninstall — is the real package's.
    const underWine = join(dir, "compliance-agent-wine.msi");
    await copyFile(msi, underWine);
    expect(
      (await sh("msibuild", [underWine, "-q", "UPDATE `InstallExecuteSequence` SET `Condition` = '0' WHERE `Action` = 'StartServices'"]))
        .code,
    ).toBe(0);
    const install = await wine(["msiexec", "/i", underWine, "/qn", `SERVER_URL=${server.url}`, `ENROLL_SECRET=${secret}`]);
    expect(install.code, install.stderr.slice(-3000)).toBe(0);
    await sh("wineserver", ["-k"], { env: wineEnv });
    await eventually(
      async () => (/STATE\s+:\s+4\s+RUNNING/.test((await wine(["sc", "query", "ComplianceAgent"])).stdout) ? true : undefined),
      120_000,
      "the automatic service running",
    );
    const query = await wine(["sc", "query", "ComplianceAgent"]);
    expect(query.stdout).toMatch(/STATE\s+:\s+4\s+RUNNING/);
    // %ProgramData% as the service sees it (Wine gives services C:\users\Public, other programs C:\ProgramData).
    let programData = "";
    let state = "";
    for (const candidate of ["C:\\ProgramData", "C:\\users\\Public"]) {
      const unix = (await sh("winepath", ["-u", `${candidate}\\ComplianceAgent`], { env: wineEnv })).stdout.trim();
      if (await exists(join(unix, "service-host.log"))) [programData, state] = [candidate, unix];
    }
    expect(state, "the service host's state dir with its log").not.toBe("");
    const program = (await sh("winepath", ["-u", "C:\\Program Files\\ComplianceAgent"], { env: wineEnv })).stdout.trim();
    expect(await exists(join(program, "node.exe"))).toBe(true);

    const device = await eventually(
      async () => {
        const devices = await api(server, server.adminToken, "/api/v1/devices", DeviceList);
        return devices.body.items.find(
          (d) => d.os === "win32" && (d.status === "compliant" || d.status === "noncompliant" || d.status === "unknown"),
        );
      },
      120_000,
      "the Windows agent enrolled and reporting",
    );
    expect(device.os).toBe("win32");
    const hostLog = await readFile(join(state, "service-host.log"), "utf8");
    expect(hostLog).toContain(`enrollment configuration written to ${programData}\\ComplianceAgent\\enroll.json`);
    expect(hostLog).toMatch(/started node \(pid \d+\)/);
    expect(hostLog).not.toContain(secret);
    // The secret went from the registry into enroll.json, and from there, once used, away.
    expect(JSON.parse(await readFile(join(state, "enroll.json"), "utf8"))).toEqual({ server: server.url });
    const reg = await wine(["reg", "query", "HKLM\\SOFTWARE\\WeGroup\\ComplianceAgent"]);
    expect(reg.stdout).toContain(server.url);
    expect(reg.stdout).not.toContain("EnrollSecret");

    // A stop from the service manager goes through the host to node's stdin.
    await wine(["sc", "stop", "ComplianceAgent"]);
    await eventually(
      async () => ((await readFile(join(state, "service-host.log"), "utf8")).includes("service stopped") ? true : undefined),
      60_000,
      "the service stopped",
    );
    expect(await readFile(join(state, "service-host.log"), "utf8")).toContain("stop requested by the service manager");

    const uninstall = await wine(["msiexec", "/x", underWine, "/qn"]);
    expect(uninstall.code, uninstall.stderr.slice(-3000)).toBe(0);
    expect((await wine(["sc", "query", "ComplianceAgent"])).stdout).not.toMatch(/SERVICE_NAME:\s+ComplianceAgent/);
    expect(await exists(program)).toBe(false);
    expect(await exists(state)).toBe(false);
    expect((await wine(["reg", "query", "HKLM\\SOFTWARE\\WeGroup\\ComplianceAgent"])).code).not.toBe(0);
  }, 600_000);
});
