import { describe, expect, it } from "vitest";
import { fakeRunner } from "../testing/fake-runner.js";
import { ParseError } from "./parse-error.js";
import { fileText, firstSucceeding, listDirectory, readCommand, readFile, required, runCommand } from "./read-source.js";
import { SourceUnavailableError, type CommandRunner } from "./runner.js";

const parseNumber = (text: string, source: string): number => {
  if (!/^\d+\n?$/.test(text)) throw new ParseError(source, `expected a number, got ${JSON.stringify(text)}`);
  return Number(text);
};

describe("reading a source", () => {
  const runner = fakeRunner(
    "linux",
    [
      { argv: ["lsblk", "-J"], exitCode: 1, stderr: "\nlsblk: invalid option -- 'J'\nTry 'lsblk --help'.\n" },
      { argv: ["lsblk", "-P"], stdout: "42\n" },
      { argv: ["rpm", "-qa"], exitCode: 127, stderr: "rpm: command not found" },
      { argv: ["snap", "list"], exitCode: 1, stdout: "error: cannot communicate with server\n" },
      { argv: ["dpkg-query", "-W"], exitCode: 2 },
      { argv: ["reg", "query", "HKU\\X"], exitCode: 1, stderr: "ERROR: not found" },
      { argv: ["garbage"], stdout: "forty-two" },
    ],
    { "/etc/passwd": "root:x:0:0::/root:/bin/sh\n", "/home/ana/.config/x": "", "/etc/number": "7\n" },
  );

  it("answers the first argv that succeeds, named by the argv that gave it", async () => {
    const read = await readCommand(
      runner,
      [
        ["lsblk", "-J"],
        ["lsblk", "-P"],
      ],
      parseNumber,
    );
    expect(read).toEqual({ ok: true, value: 42, what: "lsblk -P" });
  });

  it.each<[string, readonly (readonly string[])[], string, boolean]>([
    ["a missing executable", [["rpm", "-qa"]], "rpm -qa: not installed", true],
    ["an unrecorded command", [["flatpak", "list"]], "flatpak list: not recorded", true],
    ["a failing command, by the first line of its stderr", [["lsblk", "-J"]], "lsblk -J: exit code 1: lsblk: invalid option -- 'J'", false],
    [
      "a failing command silent on stderr, by its stdout",
      [["snap", "list"]],
      "snap list: exit code 1: error: cannot communicate with server",
      false,
    ],
    ["a failing command that says nothing", [["dpkg-query", "-W"]], "dpkg-query -W: exit code 2", false],
    [
      "every fallback failing or unrecorded, by the last failure",
      [
        ["lsblk", "-J"],
        ["lsblk", "-O"],
      ],
      "lsblk -J: exit code 1: lsblk: invalid option -- 'J'",
      false,
    ],
  ])("words %s the one way", async (_case, candidates, description, absent) => {
    const read = await firstSucceeding(runner, candidates);
    expect(read).toMatchObject({ ok: false, description, absent });
  });

  it("names a source by its label when one is given", async () => {
    expect(await firstSucceeding(runner, [["rpm", "-qa"]], { label: "rpm" })).toMatchObject({
      ok: false,
      what: "rpm",
      reason: "not installed",
      description: "rpm: not installed",
    });
  });

  it("takes an answer the caller accepts whatever its exit code", async () => {
    const read = await firstSucceeding(runner, [["reg", "query", "HKU\\X"]], { accepts: (out) => out.exitCode <= 1 });
    expect(read.ok && read.value.exitCode).toBe(1);
    expect((await runCommand(runner, ["reg", "query", "HKU\\X"])).ok).toBe(true);
  });

  it("throws the parser's error, or turns it into a source that gave nothing when asked to", async () => {
    await expect(readCommand(runner, [["garbage"]], parseNumber)).rejects.toThrow(ParseError);
    expect(await readCommand(runner, [["garbage"]], parseNumber, { parseErrors: "unread" })).toEqual({
      ok: false,
      what: "garbage",
      reason: 'cannot parse garbage: expected a number, got "forty-two"',
      absent: false,
      description: 'cannot parse garbage: expected a number, got "forty-two"',
    });
  });

  it("reads files and directories, absent or unrecorded ones as absent", async () => {
    expect(await readFile(runner, "/etc/number", parseNumber)).toEqual({ ok: true, value: 7, what: "/etc/number" });
    expect(await fileText(runner, "/etc/shadow")).toMatchObject({ ok: false, description: "/etc/shadow: not recorded", absent: true });
    expect(await listDirectory(runner, "/home")).toEqual({ ok: true, value: ["ana"], what: "/home" });
    expect(await listDirectory(runner, "/Applications")).toMatchObject({
      ok: false,
      description: "/Applications: not recorded",
      absent: true,
    });
  });

  it("says a file is absent when the machine has none, and unreadable when it refuses it", async () => {
    const denied = Object.assign(new Error("EACCES: permission denied, open '/root/.x'"), { code: "EACCES" });
    const live: CommandRunner = {
      platform: "linux",
      run: () => Promise.reject(new Error("unused")),
      readFile: (path) => (path === "/root/.x" ? Promise.reject(denied) : Promise.resolve(undefined)),
      listDir: () => Promise.resolve(undefined),
    };
    expect(await fileText(live, "/etc/none")).toMatchObject({ ok: false, description: "/etc/none: absent", absent: true });
    expect(await listDirectory(live, "/sys/bus/usb/devices")).toMatchObject({
      ok: false,
      description: "/sys/bus/usb/devices: absent",
      absent: true,
    });
    expect(await fileText(live, "/root/.x")).toMatchObject({ ok: false, description: "/root/.x: cannot be read (EACCES)", absent: false });
  });

  it("makes a required source that gave nothing a SourceUnavailableError with the same words", async () => {
    expect(() =>
      required({ ok: false, what: "rpm -qa", reason: "not installed", absent: true, description: "rpm -qa: not installed" }),
    ).toThrow(SourceUnavailableError);
    await expect(runCommand(runner, ["rpm", "-qa"]).then(required)).rejects.toThrow("rpm -qa: not installed");
    await expect(runCommand(runner, ["pmset", "-g", "custom"]).then(required)).rejects.toThrow("pmset -g custom: not recorded");
  });
});
