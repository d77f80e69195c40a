import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { appleScriptString, encodePowerShell, notificationArgv, powerShellString } from "./commands.js";

const notice = { title: "WeGroup security policy: action needed", body: "Remove the USB stick SanDisk Cruzer — eject it" };

/** Reads an AppleScript string literal back, as osascript would. */
function readAppleScript(literal: string): string {
  expect(literal.startsWith('"') && literal.endsWith('"')).toBe(true);
  let out = "";
  for (let i = 1; i < literal.length - 1; i++) {
    const c = literal[i]!;
    if (c === "\\") out += literal[++i];
    else {
      expect(c, `unescaped quote in ${literal}`).not.toBe('"');
      out += c;
    }
  }
  return out;
}

/** Reads a PowerShell single-quoted literal back. */
function readPowerShell(literal: string): string {
  const quote = /['\u2018\u2019\u201a\u201b]/;
  expect(quote.test(literal[0]!) && quote.test(literal.at(-1)!)).toBe(true);
  let out = "";
  for (let i = 1; i < literal.length - 1; i++) {
    const c = literal[i]!;
    if (quote.test(c)) {
      expect(quote.test(literal[i + 1] ?? ""), `lone quote in ${literal}`).toBe(true);
      i++;
    }
    out += c;
  }
  return out;
}

describe("notification commands", () => {
  it("runs notify-send as the user on their session bus (Linux)", () => {
    expect(notificationArgv("linux", notice, { user: "user001", uid: 1000 })).toEqual([
      "runuser",
      "-u",
      "user001",
      "--",
      "env",
      "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus",
      "notify-send",
      "--app-name=WeGroup Compliance",
      "--urgency=critical",
      "--icon=dialog-warning",
      notice.title,
      notice.body,
    ]);
  });

  it("runs osascript in the console user's GUI session (macOS)", () => {
    const argv = notificationArgv("darwin", notice, { user: "user1", uid: 501 });
    expect(argv.slice(0, 9)).toEqual(["launchctl", "asuser", "501", "sudo", "-n", "-u", "user1", "osascript", "-e"]);
    expect(argv[9]).toBe(`display notification "${notice.body}" with title "WeGroup Compliance" subtitle "${notice.title}"`);
  });

  it("shows a toast through a task for the INTERACTIVE group, the script passed encoded (Windows)", () => {
    const argv = notificationArgv("win32", { ...notice, body: 'Wireshark\'s <sniffer> & "more"' }, undefined);
    expect(argv.slice(0, 6)).toEqual(["powershell.exe", "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-EncodedCommand"]);
    const script = Buffer.from(argv[6]!, "base64").toString("utf16le");
    expect(script).toContain("New-ScheduledTaskPrincipal -GroupId 'S-1-5-4'");
    const inner = /-EncodedCommand ([A-Za-z0-9+/=]+)'/.exec(script)?.[1];
    const toast = Buffer.from(inner!, "base64").toString("utf16le");
    expect(toast).toContain("<text>Wireshark&apos;s &lt;sniffer&gt; &amp; &quot;more&quot;</text>");
    expect(toast).toContain("CreateToastNotifier($app).Show(");
    // The task is removed whatever happens.
    expect(script).toMatch(/finally \{ Unregister-ScheduledTask -TaskName \$name -Confirm:\$false \}$/);
  });

  it("keeps any text one AppleScript string literal (quotes and backslashes escaped, line breaks as spaces)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (text) => {
        expect(readAppleScript(appleScriptString(text))).toBe(text.replace(/[\r\n]+/g, " "));
      }),
    );
  });

  it("keeps any text one PowerShell literal, nothing expanded", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (text) => {
        expect(readPowerShell(powerShellString(text))).toBe(text);
      }),
    );
  });

  it("encodes PowerShell commands as base64 of UTF-16LE", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (text) => {
        expect(encodePowerShell(text)).toBe(Buffer.from(text, "utf16le").toString("base64"));
      }),
    );
  });
});
