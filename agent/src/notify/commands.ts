// The command that shows one desktop notification to one signed-in person, per OS (pure: argv only; the runner runs it).
import type { Platform } from "@wegroup/shared";

export interface Notice {
  title: string;
  body: string;
}

/** Who sees it: a user with a desktop session (Linux, macOS); Windows shows it in every interactive session. */
export interface Recipient {
  user: string;
  uid: number;
}

export const APP_NAME = "WeGroup Compliance";

/**
 * Linux: notify-send as the user, on their session bus (a system service has no bus of its own to show it on).
 * macOS: osascript in the user's GUI session (launchctl asuser), as the user.
 * Windows: PowerShell registers a one-off scheduled task for the INTERACTIVE group (so it runs in the signed-in
 * user's session, not in the service's session 0), which shows a toast, then removes the task.
 */
export function notificationArgv(platform: Platform, notice: Notice, recipient: Recipient | undefined): string[] {
  switch (platform) {
    case "linux":
      if (recipient === undefined) throw new Error("a Linux notification needs the recipient's session");
      return [
        "runuser",
        "-u",
        recipient.user,
        "--",
        "env",
        `DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/${recipient.uid}/bus`,
        "notify-send",
        `--app-name=${APP_NAME}`,
        "--urgency=critical",
        "--icon=dialog-warning",
        notice.title,
        notice.body,
      ];
    case "darwin":
      if (recipient === undefined) throw new Error("a macOS notification needs the console user");
      return [
        "launchctl",
        "asuser",
        String(recipient.uid),
        "sudo",
        "-n",
        "-u",
        recipient.user,
        "osascript",
        "-e",
        `display notification ${appleScriptString(notice.body)} with title ${appleScriptString(APP_NAME)} subtitle ${appleScriptString(notice.title)}`,
      ];
    case "win32":
      return [
        "powershell.exe",
        "-NoProfile",
        "-NonInteractive",
        "-ExecutionPolicy",
        "Bypass",
        "-EncodedCommand",
        encodePowerShell(windowsToastScript(notice)),
      ];
  }
}

/** An AppleScript string literal: backslashes and quotes escaped; line breaks become spaces (one notification line). */
export function appleScriptString(text: string): string {
  return `"${text
    .replace(/[\r\n]+/g, " ")
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')}"`;
}

/** A PowerShell single-quoted literal: nothing is expanded inside, a quote is doubled (and the typographic ones too, which PowerShell also ends strings with). */
export function powerShellString(text: string): string {
  return `'${text.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
}

/** XML text content (the toast template). */
function xmlText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

/** PowerShell's -EncodedCommand: base64 of the UTF-16LE script, so no quoting survives to the command line. */
export function encodePowerShell(script: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < script.length; i++) {
    const unit = script.charCodeAt(i);
    bytes.push(unit & 0xff, unit >> 8);
  }
  return btoa(String.fromCharCode(...bytes));
}

/** Shows the toast through a scheduled task for the INTERACTIVE group (SID S-1-5-4), run at once and removed. */
export function windowsToastScript(notice: Notice): string {
  const toastXml = `<toast><visual><binding template="ToastGeneric"><text>${xmlText(notice.title)}</text><text>${xmlText(notice.body)}</text></binding></visual></toast>`;
  const inner = [
    "[Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, ContentType = WindowsRuntime] | Out-Null",
    "[Windows.Data.Xml.Dom.XmlDocument, Windows.Data.Xml.Dom.XmlDocument, ContentType = WindowsRuntime] | Out-Null",
    "$x = New-Object Windows.Data.Xml.Dom.XmlDocument",
    `$x.LoadXml(${powerShellString(toastXml)})`,
    // PowerShell's own AppUserModelID: a toast needs a registered app id, and this one exists on every Windows 10/11.
    "$app = '{1AC14E77-02E7-4E5D-B744-2EB1AE5198B7}\\WindowsPowerShell\\v1.0\\powershell.exe'",
    "[Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier($app).Show([Windows.UI.Notifications.ToastNotification]::new($x))",
  ].join("; ");
  const encodedInner = encodePowerShell(inner);
  return [
    "$ErrorActionPreference = 'Stop'",
    "$name = 'WeGroupComplianceNotice-' + [guid]::NewGuid().ToString('N')",
    `$action = New-ScheduledTaskAction -Execute 'powershell.exe' -Argument ${powerShellString(`-NoProfile -NonInteractive -WindowStyle Hidden -EncodedCommand ${encodedInner}`)}`,
    "$principal = New-ScheduledTaskPrincipal -GroupId 'S-1-5-4' -RunLevel Limited",
    "Register-ScheduledTask -TaskName $name -Action $action -Principal $principal -Force | Out-Null",
    "try { Start-ScheduledTask -TaskName $name; Start-Sleep -Seconds 5 } finally { Unregister-ScheduledTask -TaskName $name -Confirm:$false }",
  ].join("\n");
}
