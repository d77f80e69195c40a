// The laptop user told about new violations, on the demo bundles' real recorded outputs: who is at the desktop comes
// from the recording (loginctl, /dev/console), the commands go through the replay runner and are recorded.
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Bundle, type CheckResult, DEFAULT_POLICY, type Policy } from "@wegroup/shared";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { runChecks } from "../checks/engine.js";
import { CHECKS } from "../checks/registry.js";
import { ViolationNotifier } from "../notify/notifier.js";
import { ReplayRunner } from "../runner/replay.js";
import type { CommandOutput, CommandRunner, RunOptions } from "../runner/runner.js";

const BUNDLES = path.resolve(import.meta.dirname, "../../../fixtures/bundles");
const NOTIFIERS = new Set(["runuser", "launchctl", "powershell.exe"]);

/** The replay runner, with every command the agent asked of it kept (answered or not): what was shown, in a replay. */
class KeepingRunner implements CommandRunner {
  readonly asked: string[][] = [];
  constructor(private readonly inner: ReplayRunner) {}
  get platform(): ReplayRunner["platform"] {
    return this.inner.platform;
  }
  run(argv: readonly string[], _options?: RunOptions): Promise<CommandOutput> {
    this.asked.push([...argv]);
    return this.inner.run(argv);
  }
  readFile(p: string): Promise<Buffer | undefined> {
    return this.inner.readFile(p);
  }
  listDir(p: string): Promise<string[] | undefined> {
    return this.inner.listDir(p);
  }
  get notifications(): string[][] {
    return this.asked.filter((argv) => NOTIFIERS.has(argv[0]!) && !(argv[0] === "launchctl" && argv.includes("sysadminctl")));
  }
}

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function setUp(
  name: string,
  policy: Policy = DEFAULT_POLICY,
): Promise<{ runner: KeepingRunner; results: CheckResult[]; statePath: string; open: (now: () => Date) => Promise<ViolationNotifier> }> {
  const bundle = Bundle.parse(JSON.parse(await readFile(path.join(BUNDLES, name), "utf8")));
  const runner = new KeepingRunner(new ReplayRunner(bundle));
  const results = await runChecks(CHECKS, new ReplayRunner(bundle), policy);
  const dir = await mkdtemp(path.join(tmpdir(), "compliance-notify-"));
  dirs.push(dir);
  const statePath = path.join(dir, "notified.json");
  return {
    runner,
    results,
    statePath,
    open: (now) => ViolationNotifier.open({ runner, statePath, logger: pino({ level: "silent" }), clock: now }),
  };
}

describe("telling the laptop user", () => {
  it("Linux: notify-send as each desktop user on their session bus, once per violation, three per ten minutes, remembered across restarts", async () => {
    const { runner, results, statePath, open } = await setUp("demo-linux.json");
    let now = new Date("2026-12-06T09:00:00Z");
    const notifier = await open(() => now);
    await notifier.afterChecks(results, DEFAULT_POLICY);
    const shown = runner.notifications;
    expect(shown.map((argv) => argv.slice(0, 6))).toEqual(
      Array(3).fill(["runuser", "-u", "user001", "--", "env", "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus"]),
    );
    expect(shown.map((argv) => argv.at(-1))).toEqual([
      "Screen lock: set it to 15 minutes or less — Settings › Privacy › Screen Lock (KDE: System Settings › Screen Locking)",
      "Remove the USB stick Kingston Technology Company Inc. USB DISK 3.0 — eject it in the file manager, then unplug it (USB storage is not allowed)",
      "nmap is prohibited software: uninstall it or ask security@ for an exemption",
    ]);
    // The replay has no recording of notify-send: nothing was shown, and the status says why.
    expect(notifier.recent.map((n) => n.problem)).toEqual(Array(3).fill("replay: runuser not recorded"));
    expect((await stat(statePath)).mode & 0o777).toBe(0o600);

    await notifier.afterChecks(results, DEFAULT_POLICY);
    expect(runner.notifications).toHaveLength(3);
    now = new Date("2026-12-06T09:10:01Z");
    await notifier.afterChecks(results, DEFAULT_POLICY);
    expect(runner.notifications.slice(3).map((argv) => argv.at(-1))).toEqual([
      "tcpdump is prohibited software: uninstall it or ask security@ for an exemption",
    ]);

    const restarted = await open(() => now);
    await restarted.afterChecks(results, DEFAULT_POLICY);
    expect(runner.notifications).toHaveLength(4);
  });

  it("macOS: osascript in the console user's session, with the console owner's uid", async () => {
    const { runner, results, open } = await setUp("demo-mac.json");
    const notifier = await open(() => new Date("2026-12-06T09:00:00Z"));
    await notifier.afterChecks(results, DEFAULT_POLICY);
    const shown = runner.notifications;
    expect(shown).toHaveLength(3);
    expect(shown.map((argv) => argv.slice(0, 9))).toEqual(
      Array(3).fill(["launchctl", "asuser", "501", "sudo", "-n", "-u", "user1", "osascript", "-e"]),
    );
    expect(shown[1]![9]).toBe(
      'display notification "Remove the USB stick Alcor Micro, Corp. Flash Disk — eject it in the Finder, then unplug it (USB storage is not allowed)" with title "WeGroup Compliance" subtitle "WeGroup security policy: action needed"',
    );
    expect(shown[2]![9]).toContain("Wireshark is prohibited software: uninstall it (move it to the Bin) or ask security@ for an exemption");
  });

  it("Windows: a toast through PowerShell for the interactive session, the text inside the encoded script", async () => {
    const { runner, results, open } = await setUp("demo-windows.json");
    const notifier = await open(() => new Date("2026-12-06T09:00:00Z"));
    await notifier.afterChecks(results, DEFAULT_POLICY);
    const shown = runner.notifications;
    expect(shown).toHaveLength(3);
    const toastTexts = shown.map((argv) => {
      const outer = Buffer.from(argv.at(-1)!, "base64").toString("utf16le");
      const inner = Buffer.from(/-EncodedCommand ([A-Za-z0-9+/=]+)'/.exec(outer)![1]!, "base64").toString("utf16le");
      return /<text>([^<]*)<\/text><\/binding>/.exec(inner)![1];
    });
    expect(toastTexts[1]).toBe(
      "Remove the USB stick SanDisk Cruzer Blade — &quot;Safely Remove Hardware&quot; in the taskbar, then unplug it (USB storage is not allowed)",
    );
    expect(toastTexts[2]).toBe("Nmap is prohibited software: uninstall it (Settings › Apps) or ask security@ for an exemption");
  });

  it("tells nobody when the policy switch is off", async () => {
    const policy: Policy = { ...DEFAULT_POLICY, notifyUser: false };
    const { runner, results, open } = await setUp("demo-linux.json", policy);
    const notifier = await open(() => new Date("2026-12-06T09:00:00Z"));
    await notifier.afterChecks(results, policy);
    expect(runner.notifications).toEqual([]);
    expect(notifier.recent).toEqual([]);
  });
});
