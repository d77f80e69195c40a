import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { SourceUnavailableError, type CommandOutput } from "../../runner/runner.js";
import { fixture } from "../../testing/fixtures.js";
import { interpretRegQuery, regSource } from "./reg-result.js";

const ARGV = ["reg", "query", "HKU\\S-1-5-21-0-0-0-1125\\Control Panel\\Desktop"];

function output(exitCode: number, stdout: string | Buffer, stderr: string | Buffer = ""): CommandOutput {
  return { argv: ARGV, exitCode, stdout: Buffer.from(stdout), stderr: Buffer.from(stderr) };
}

describe("interpretRegQuery", () => {
  it('reads en-server-screensaverissecure-value-missing.txt (stderr, exit 1) as "not set", not as an error', () => {
    const result = interpretRegQuery(
      output(1, "", fixture("windows/reg-desktop/en-server-screensaverissecure-value-missing.txt")),
      "reg query",
    );
    expect(result).toEqual({ found: false, message: "ERROR: The system was unable to find the specified registry key or value." });
  });

  it.each([
    ["German", "FEHLER: Der angegebene Registrierungsschlüssel bzw. Wert wurde nicht gefunden.\r\n"],
    ["Japanese", "エラー: 指定されたレジストリ キーまたは値が見つかりませんでした。\r\n"],
  ])("reads a %s not-found message the same way: the exit code decides, not the words", (_language, message) => {
    const bytes = iconv.encode(message, "utf16le");
    expect(interpretRegQuery(output(1, "", bytes), "reg query").found).toBe(false);
  });

  it.each([
    ["English", "ERROR: Access is denied.\r\n"],
    ["German", "FEHLER: Zugriff verweigert\r\n"],
    ["French", "ERREUR : Accès refusé.\r\n"],
  ])('treats %s access denied as unreadable, never as "not set"', (_language, message) => {
    expect(() => interpretRegQuery(output(1, "", message), "reg query")).toThrow(SourceUnavailableError);
  });

  it("fails on any other exit code", () => {
    expect(() => interpretRegQuery(output(5, ""), "reg query X")).toThrow("reg query X: exit code 5");
  });

  it("parses stdout on success", () => {
    const result = interpretRegQuery(output(0, fixture("windows/reg-desktop/en-server-screensaverissecure-0.txt")), "reg query");
    expect(result.found && result.keys[0]?.values[0]?.name).toBe("ScreenSaverIsSecure");
  });

  it("quotes argv parts with spaces in the source name", () => {
    expect(regSource(ARGV)).toBe('reg query "HKU\\S-1-5-21-0-0-0-1125\\Control Panel\\Desktop"');
  });
});
