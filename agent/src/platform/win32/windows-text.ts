// Decodes Windows command output once, at the edge: UTF-16 from PowerShell, the OEM code page of reg.exe and powercfg, CRLF.
import { decodeText } from "../../runner/decode.js";

/**
 * reg.exe and powercfg write the console's OEM code page when redirected. cp850 (Western Europe)
 * agrees with cp437 (US) on every accented letter, so names decode right on both.
 */
export const OEM_FALLBACK_ENCODING = "cp850";

export function decodeWindowsOutput(bytes: Buffer): string {
  return decodeText(bytes, { fallbackEncoding: OEM_FALLBACK_ENCODING });
}
