import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { parseGetPartition } from "./ps-get-partition.js";

describe("parseGetPartition", () => {
  it("keeps drive letters and folder mounts, drops volume GUID paths, and reads DriveLetter when AccessPaths is missing", () => {
    const json = JSON.stringify([
      { DiskNumber: 0, PartitionNumber: 1, DriveLetter: "\u0000", AccessPaths: ["\\\\?\\Volume{1b2c3d4e-0000-0000-0000-100000000000}\\"] },
      {
        DiskNumber: 0,
        PartitionNumber: 3,
        DriveLetter: "C",
        AccessPaths: ["C:\\", "\\\\?\\Volume{1b2c3d4e-0000-0000-0000-300000000000}\\"],
      },
      { DiskNumber: 1, PartitionNumber: 1, DriveLetter: "E", AccessPaths: { value: ["E:\\", "D:\\Mounts\\Stick\\"], Count: 2 } },
      { DiskNumber: 2, PartitionNumber: 1, DriveLetter: 70 },
    ]);
    expect(parseGetPartition(json, "Get-Partition")).toEqual([
      { diskNumber: 0, mountpoints: [] },
      { diskNumber: 0, mountpoints: ["C:\\"] },
      { diskNumber: 1, mountpoints: ["E:\\", "D:\\Mounts\\Stick\\"] },
      { diskNumber: 2, mountpoints: ["F:\\"] },
    ]);
  });

  it("reads nothing as no partitions and refuses a partition without a disk", () => {
    expect(parseGetPartition("", "Get-Partition")).toEqual([]);
    expect(() => parseGetPartition('{"DriveLetter":"E"}', "Get-Partition")).toThrow(ParseError);
  });
});
