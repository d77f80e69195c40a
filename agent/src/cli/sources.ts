// `compliance-agent sources --platform P`: every command and file each collector reads, to assemble bundles by hand.
import { Platform } from "@wegroup/shared";
import { CHECKS } from "../checks/registry.js";
import { DEVICE_FACT_SOURCES } from "../host/device-facts.js";
import { NOTIFICATION_SOURCES } from "../notify/notifier.js";
import { PRESENCE_SOURCES } from "../platform/presence.js";
import { CliError } from "./errors.js";

export async function sourcesCommand(options: { platform: string; json?: boolean }, out: (text: string) => void): Promise<number> {
  const parsed = Platform.safeParse(options.platform);
  if (!parsed.success) throw new CliError("bad_request", `--platform must be linux, darwin or win32, not "${options.platform}"`);
  const platform = parsed.data;
  const checks = await Promise.all(CHECKS.map(async (c) => ({ check: c.id, sources: (await c.collectors[platform]()).sources })));
  if (options.json === true) {
    out(
      JSON.stringify(
        {
          platform,
          placeholders: {
            "{user}": "login name of a user with a desktop session",
            "{uid}": "that user's numeric id",
            "{home}": "that user's home directory",
            "{sid}": "a Windows user's SID",
            "{session}": "a logind session id from loginctl list-sessions",
            "{display}": "that session's X display (Display= from loginctl show-session)",
            "{db}": "a system-db named in /etc/dconf/profile/user (e.g. local)",
            "{file}": "a file name inside that directory",
            "{usbdev}": "a USB device's sysfs name such as 2-1.4 (Linux)",
            "{usbif}": "a USB interface's sysfs name such as 2-1.4:1.0 (Linux)",
            "{app}": "an application bundle path from the application list (macOS)",
            "{pkg}": "an installer receipt id from pkgutil --pkgs (macOS)",
            "{disk}": "a whole-disk identifier such as disk4 from diskutil list (macOS)",
            "{owner}": "the login name owning a Homebrew prefix (macOS)",
            "{files}":
              "the programs' main executables, each a single-quoted PowerShell string ('C:\\Program Files\\Nmap\\uninstall.exe'), comma-separated (Windows)",
            "{title}": "a notification's title",
            "{body}": "a notification's text (fix-texts.ts)",
            "{packages}": "every installed dpkg package as dpkg-query printed it (libc6:amd64), one argument each, in its order (Linux)",
          },
          checks,
          /** Read by the service (run) itself: the boot id for every hello, the OS state at a stop. */
          presence: PRESENCE_SOURCES[platform],
          /** Read by the service for every hello: the device facts (systeminformation's answers, recorded as commands). */
          deviceFacts: DEVICE_FACT_SOURCES,
          /** Run by the service when a violation opens (the Linux sessions come from the screen-lock check's loginctl sources). */
          notifications: NOTIFICATION_SOURCES[platform],
        },
        null,
        2,
      ),
    );
    return 0;
  }
  for (const { check, sources } of [
    ...checks,
    { check: "presence (the service itself)", sources: PRESENCE_SOURCES[platform] },
    { check: "device facts (every hello)", sources: DEVICE_FACT_SOURCES },
    { check: "notifications (when a violation opens)", sources: NOTIFICATION_SOURCES[platform] },
  ]) {
    out(`${check}:`);
    for (const s of sources) {
      const target = s.kind === "command" ? s.argv.map(quote).join(" ") : `${s.kind === "directory" ? "dir " : "file "}${s.path}`;
      out(`  ${s.optional ? "(optional) " : ""}${s.perUser === true ? "(per user) " : ""}${target}\n      ${s.what}`);
    }
  }
  return 0;
}

function quote(arg: string): string {
  return /^[\w@%+=:,./{}-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}
