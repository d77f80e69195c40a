// `Get-Partition | Select-Object DiskNumber,DriveLetter,AccessPaths | ConvertTo-Json`: where each disk is mounted.
import { ParseError } from "../../../runner/parse-error.js";
import { parsePsObjects } from "../../../platform/win32/ps-objects.js";
import { psInteger, psProperty, psStringList } from "../../../platform/win32/ps-json.js";

export interface PartitionMount {
  diskNumber: number;
  /** `E:\` and folder mount points; the `\\?\Volume{…}\` names are not places a person opens. */
  mountpoints: string[];
}

export function parseGetPartition(text: string, source: string): PartitionMount[] {
  return parsePsObjects(text, source).map((item, i) => {
    const diskNumber = psInteger(item, "DiskNumber", source);
    if (diskNumber === undefined) throw new ParseError(source, `partition ${i}: no DiskNumber`);
    const paths = psStringList(item, "AccessPaths").filter((p) => !p.startsWith("\\\\?\\"));
    const letter = driveLetter(psProperty(item, "DriveLetter"));
    const mountpoints =
      letter !== undefined && !paths.some((p) => p.toUpperCase().startsWith(`${letter}:`)) ? [`${letter}:\\`, ...paths] : paths;
    return { diskNumber, mountpoints };
  });
}

/** DriveLetter is a [char]: JSON writes it as a one-letter string (or "\u0000" for none), some hosts as its code. */
function driveLetter(value: unknown): string | undefined {
  if (typeof value === "number") return value >= 65 && value <= 90 ? String.fromCharCode(value) : undefined;
  if (typeof value === "string" && /^[A-Za-z]$/.test(value.trim())) return value.trim().toUpperCase();
  return undefined;
}
