// Which file's Authenticode signature stands for an Uninstall entry, and how those files are handed to one PowerShell run.
import { fillArgv } from "../types.js";
import type { UninstallEntry } from "./parse/reg-uninstall.js";

/** UTF-8 out whatever the console code page, so that signer names with accents survive. */
const UTF8 = "[Console]::OutputEncoding = [System.Text.UTF8Encoding]::new($false); ";

/**
 * One run for every file. `-LiteralPath` takes the paths as they are (no wildcards); values the
 * registry stores as REG_EXPAND_SZ (`%ProgramFiles%\…`) are expanded first; a file that is gone
 * answers nothing rather than an error; `Out-String -Width` keeps long subjects and paths on one
 * line (the list view wraps at the console width otherwise).
 */
export const WIN32_AUTHENTICODE = [
  "powershell.exe",
  "-NoProfile",
  "-NonInteractive",
  "-Command",
  `${UTF8}Get-AuthenticodeSignature -LiteralPath @({files} | ForEach-Object { [Environment]::ExpandEnvironmentVariables($_) }) -ErrorAction SilentlyContinue | Format-List | Out-String -Width 4096`,
] as const;

/** CreateProcess takes at most 32,767 characters; a machine with that many programs gets more than one run. */
const MAX_COMMAND_CHARS = 30_000;

const MSI_OR_SHELL_HOSTS = new Set(["msiexec.exe", "rundll32.exe"]);
/** A local absolute path, or one that starts with an environment variable (`%ProgramFiles(x86)%\…`). UNC paths are not opened. */
const ABSOLUTE = /^(?:[A-Za-z]:\\|%[A-Za-z_][\w() ]*%\\?)/;

/**
 * The program's own executable: DisplayIcon when it is an .exe (an icon index `,N` stripped), else
 * the executable the UninstallString runs. msiexec and rundll32 (MSI products name them in both)
 * say nothing about who made the program. Undefined when neither names such an .exe on a local path.
 */
export function mainExecutable(entry: Pick<UninstallEntry, "displayIcon" | "uninstallString">): string | undefined {
  const icon = entry.displayIcon === undefined ? undefined : iconFile(entry.displayIcon);
  if (icon !== undefined && isProgramExe(icon)) return icon;
  const command = entry.uninstallString === undefined ? undefined : commandFile(entry.uninstallString);
  return command !== undefined && isProgramExe(command) ? command : undefined;
}

/** One PowerShell run and the files it asks about. */
export interface AuthenticodeRun {
  argv: string[];
  files: string[];
}

/** `{files}` filled with single-quoted PowerShell strings; as few runs as the command-line limit allows (one, on most machines). */
export function authenticodeRuns(files: readonly string[]): AuthenticodeRun[] {
  const runs: AuthenticodeRun[] = [];
  const base = WIN32_AUTHENTICODE.join(" ").length;
  let batch: string[] = [];
  let length = base;
  const flush = () => {
    if (batch.length > 0) runs.push({ argv: fillArgv(WIN32_AUTHENTICODE, { files: batch.map(psQuote).join(",") }), files: batch });
    batch = [];
    length = base;
  };
  for (const file of files) {
    const quoted = psQuote(file).length + 1;
    if (batch.length > 0 && length + quoted > MAX_COMMAND_CHARS) flush();
    batch.push(file);
    length += quoted;
  }
  flush();
  return runs;
}

/**
 * A PowerShell single-quoted string: nothing inside is expanded, and every character PowerShell
 * takes for a single quote (the ASCII one and the typographic ‘ ’ ‚ ‛) is doubled, so a path from
 * a user-writable key cannot close the string and run code in the agent's (SYSTEM) PowerShell.
 */
export function psQuote(text: string): string {
  return `'${text.replace(/['\u2018\u2019\u201a\u201b]/g, (quote) => quote + quote)}'`;
}

function iconFile(value: string): string {
  return unquote(
    unquote(value.trim())
      .replace(/,\s*-?\d+$/, "")
      .trim(),
  );
}

/** `"C:\…\uninst.exe" /S` → the quoted part; `C:\…\unins000.exe /SILENT` → up to the first `.exe` that ends a word. */
function commandFile(value: string): string | undefined {
  const text = value.trim();
  if (text.startsWith('"')) {
    const end = text.indexOf('"', 1);
    return end < 0 ? undefined : text.slice(1, end).trim();
  }
  return /^(.+?\.exe)(?=\s|$)/i.exec(text)?.[1];
}

function isProgramExe(path: string): boolean {
  // Control characters and quotes never occur in a real path; refusing them keeps the command line plain.
  if (!/\.exe$/i.test(path) || !ABSOLUTE.test(path) || [...path].some((c) => c === '"' || c < " ")) return false;
  return !MSI_OR_SHELL_HOSTS.has(baseName(path).toLowerCase());
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("\\") + 1);
}

function unquote(text: string): string {
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
}
