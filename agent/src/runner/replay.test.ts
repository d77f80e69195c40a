import { describe, expect, it } from "vitest";
import { fakeRunner } from "../testing/fake-runner.js";
import { NotRecordedError } from "./runner.js";

describe("ReplayRunner", () => {
  const runner = fakeRunner(
    "linux",
    [
      { argv: ["lsblk", "-J"], stdout: '{"blockdevices":[]}' },
      { argv: ["rpm", "-qa"], exitCode: 127, stderr: "rpm: command not found" },
      { argv: ["powershell.exe", "-Command", "x"], stdout: Buffer.from("\ufeffhi", "utf16le") },
    ],
    { "/etc/os-release": 'NAME="Debian GNU/Linux"\n', "/home/ana/.config/kscreenlockerrc": "[Daemon]\n", "/home/bob/.config/x": "" },
  );

  it("answers a command by its exact argv", async () => {
    const out = await runner.run(["lsblk", "-J"]);
    expect(out.exitCode).toBe(0);
    expect(out.stdout.toString()).toBe('{"blockdevices":[]}');
  });

  it("keeps raw bytes recorded as base64", async () => {
    const out = await runner.run(["powershell.exe", "-Command", "x"]);
    expect(out.stdout.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xfe]));
  });

  it("answers not recorded for any other argv, even one that differs by an argument", async () => {
    await expect(runner.run(["lsblk", "-J", "-b"])).rejects.toBeInstanceOf(NotRecordedError);
    await expect(runner.readFile("/etc/passwd")).rejects.toThrow("/etc/passwd: not recorded");
  });

  it("lists a directory as the recorded files below it", async () => {
    expect(await runner.listDir("/home")).toEqual(["ana", "bob"]);
    await expect(runner.listDir("/Applications")).rejects.toBeInstanceOf(NotRecordedError);
  });
});
