// The Windows demo bundle (fixtures/bundles/demo-windows.json): assembled from fixtures/windows with the collectors' exact argv, replayed through all three checks.
import { writeFileSync } from "node:fs";
import { Bundle, DEFAULT_POLICY, type BundleCommand } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { runChecks } from "../../checks/engine.js";
import { CHECKS } from "../../checks/registry.js";
import {
  WIN32_CONSOLELOCK,
  WIN32_MACHINE_POLICY,
  WIN32_POLICY_DESKTOP,
  WIN32_USER_DESKTOP,
  WIN32_VIDEOIDLE,
  WIN32_VOLATILE_ENVIRONMENT,
} from "../../checks/screen-lock/collect.win32.js";
import { WIN32_UNINSTALL, WIN32_UNINSTALL_WOW64, WIN32_USER_UNINSTALL, collectSoftwareWin32 } from "../../checks/software/collect.win32.js";
import { WIN32_DISK_DRIVE, WIN32_GET_DISK } from "../../checks/usb-storage/collect.win32.js";
import { fillArgv } from "../../checks/types.js";
import { ReplayRunner } from "../../runner/replay.js";
import { FIXTURES_DIR, fixtureText } from "../../testing/fixtures.js";
import { LOADED_HIVES_ARGV } from "./user-hives.js";

const BUNDLE_PATH = `${FIXTURES_DIR}bundles/demo-windows.json`;
const USER = "S-1-5-21-0-0-0-1125";
const TASK_ONLY = "S-1-5-21-0-0-0-1126";

/** Which fixture answers which command: every output in the bundle is a file under fixtures/windows. */
const ANSWERS: readonly { argv: readonly string[]; stdout?: string; exitCode?: number; stderr?: string }[] = [
  { argv: LOADED_HIVES_ARGV, stdout: "reg-hku/two-user-hives-service-sid-reg-query-layout.derived.txt" },
  { argv: fillArgv(WIN32_VOLATILE_ENVIRONMENT, { sid: USER }), stdout: "reg-volatile-environment/demo-user-console-session.derived.txt" },
  {
    argv: fillArgv(WIN32_VOLATILE_ENVIRONMENT, { sid: TASK_ONLY }),
    exitCode: 1,
    stderr: "reg-desktop/en-server-screensaverissecure-value-missing.txt",
  },
  { argv: fillArgv(WIN32_USER_DESKTOP, { sid: USER }), stdout: "reg-desktop/hku-user-blank-saver-1200s-not-secure.derived.txt" },
  {
    argv: fillArgv(WIN32_POLICY_DESKTOP, { sid: USER }),
    exitCode: 1,
    stderr: "reg-desktop/en-server-screensaverissecure-value-missing.txt",
  },
  { argv: WIN32_MACHINE_POLICY, stdout: "reg-policies-system/win10-ent-21h2-values-in-reg-query-layout.derived.txt" },
  { argv: WIN32_VIDEOIDLE, stdout: "powercfg/en-balanced-scheme-current-sub-video-videoidle.derived.txt" },
  { argv: WIN32_CONSOLELOCK, stdout: "powercfg/en-balanced-scheme-current-sub-none-consolelock-off.derived.txt" },
  { argv: WIN32_GET_DISK, stdout: "get-disk/en-winserver-vmware-sas-plus-sandisk-usb-stick.derived.json" },
  { argv: WIN32_DISK_DRIVE, stdout: "win32-diskdrive/en-winserver-vmware-scsi-plus-sandisk-usb-stick.derived.json" },
  { argv: WIN32_UNINSTALL, stdout: "reg-uninstall/win7-x64-uninstall-reg-query-s-layout-plus-nmap-7.94.derived.txt" },
  { argv: WIN32_UNINSTALL_WOW64, exitCode: 1, stderr: "reg-desktop/en-server-screensaverissecure-value-missing.txt" },
  {
    argv: fillArgv(WIN32_USER_UNINSTALL, { sid: USER }),
    exitCode: 1,
    stderr: "reg-desktop/en-server-screensaverissecure-value-missing.txt",
  },
  {
    argv: fillArgv(WIN32_USER_UNINSTALL, { sid: TASK_ONLY }),
    exitCode: 1,
    stderr: "reg-desktop/en-server-screensaverissecure-value-missing.txt",
  },
];

function assembleDemoBundle(): Bundle {
  const commands: BundleCommand[] = ANSWERS.map((a) => ({
    argv: [...a.argv],
    exitCode: a.exitCode ?? 0,
    stdout: a.stdout === undefined ? "" : fixtureText(`windows/${a.stdout}`),
    stderr: a.stderr === undefined ? "" : fixtureText(`windows/${a.stderr}`),
  }));
  return Bundle.parse({
    format: "compliance-bundle/1",
    platform: "win32",
    hostname: "WEGROUP-LT-DEMO",
    collectedAt: "2025-01-15T09:30:00.000Z",
    commands,
    files: [],
  });
}

// `WRITE_DEMO_BUNDLE=1 npx vitest run agent/src/platform/win32/demo-bundle.test.ts` rewrites the file after a fixture or argv change.
if (process.env.WRITE_DEMO_BUNDLE === "1") writeFileSync(BUNDLE_PATH, `${JSON.stringify(assembleDemoBundle(), null, 2)}\n`);

describe("fixtures/bundles/demo-windows.json", () => {
  const bundle = Bundle.parse(JSON.parse(fixtureText("bundles/demo-windows.json")));

  it("holds exactly the fixture outputs under the collectors' argv", () => {
    expect(bundle).toEqual(assembleDemoBundle());
  });

  it("replays to the verdicts of a laptop that breaks the policy: screen saver without password, a USB stick, Nmap", async () => {
    const results = await runChecks(CHECKS, new ReplayRunner(bundle), DEFAULT_POLICY);
    const byCheck = Object.fromEntries(results.map((r) => [r.check, r]));

    expect(byCheck["screen-lock"]).toMatchObject({
      status: "fail",
      violations: [{ subject: "WEGROUP\\demo.user", observed: "windows: idle after 600 s, no password on wake" }],
    });
    expect(byCheck["screen-lock"]?.violations[0]?.message).toMatch(
      /screen saver C:\\Windows\\system32\\scrnsave\.scr after 1200 s, no password on resume/,
    );

    expect(byCheck["usb-storage"]).toMatchObject({
      status: "fail",
      violations: [{ subject: "4C530001230514117424", observed: "SanDisk Cruzer Blade attached, not mounted" }],
    });

    const software = byCheck.software;
    expect(software?.status).toBe("fail");
    // The title key, not "Nmap 7.94": the violation survives an upgrade.
    expect(software?.violations.map((v) => [v.subject, v.rule])).toEqual([
      ["nmap", "nmap"],
      ["microsoft .net framework 4 client profile", "unapproved"],
    ]);
  });

  it("keeps its recorded inventory: two programs, neither with a verified signer (no signature run was recorded for this laptop)", async () => {
    const facts = await collectSoftwareWin32.collect(new ReplayRunner(bundle));
    expect(facts.titles.map((t) => [t.key, t.versions, t.scope, t.identity, t.unknown])).toEqual([
      ["microsoft .net framework 4 client profile", ["4.0.30319"], "installed", {}, undefined],
      ["nmap", ["7.94"], "installed", {}, "signer unknown: Get-AuthenticodeSignature: not recorded"],
    ]);
    expect(facts.problems).toEqual(["Get-AuthenticodeSignature: not recorded", "Get-AppxPackage: not recorded"]);
  });
});
