import { describe, expect, it } from "vitest";
import type { Collector, SourceSpec } from "../checks/types.js";
import { fakeRunner } from "./fake-runner.js";
import { collectReadingDeclared, ReadRecorder, undeclaredReads } from "./declared-sources.js";

const SOURCES: SourceSpec[] = [
  {
    kind: "command",
    argv: ["runuser", "-u", "{user}", "--", "gsettings", "get", "org.gnome.desktop.session", "idle-delay"],
    what: "",
    optional: true,
  },
  { kind: "command", argv: ["apt-cache", "policy", "{packages}"], what: "", optional: true },
  { kind: "file", path: "{app}/Contents/Info.plist", what: "", optional: true },
  { kind: "directory", path: "/etc/dconf/db/{db}.d", what: "", optional: true },
];

describe("declared sources", () => {
  it.each([
    [
      "a per-user command with {user} filled",
      { kind: "command" as const, argv: ["runuser", "-u", "ann", "--", "gsettings", "get", "org.gnome.desktop.session", "idle-delay"] },
    ],
    ["{packages} standing for several arguments", { kind: "command" as const, argv: ["apt-cache", "policy", "nmap", "libc6:amd64"] }],
    [
      "a path placeholder holding slashes and spaces",
      { kind: "file" as const, path: "/Applications/Visual Studio Code.app/Contents/Info.plist" },
    ],
    ["a directory", { kind: "directory" as const, path: "/etc/dconf/db/local.d" }],
  ])("accepts %s", (_case, read) => {
    expect(undeclaredReads(SOURCES, [read])).toEqual([]);
  });

  it.each([
    [
      "another argument",
      { kind: "command" as const, argv: ["runuser", "-u", "ann", "--", "gsettings", "get", "org.gnome.desktop.session", "lock-delay"] },
    ],
    [
      "an extra argument",
      {
        kind: "command" as const,
        argv: ["runuser", "-u", "ann", "--", "gsettings", "get", "org.gnome.desktop.session", "idle-delay", "x"],
      },
    ],
    ["{packages} with no package", { kind: "command" as const, argv: ["apt-cache", "policy"] }],
    ["a file declared as a directory", { kind: "file" as const, path: "/etc/dconf/db/local.d" }],
    ["an empty placeholder", { kind: "directory" as const, path: "/etc/dconf/db/.d" }],
  ])("names a read with %s as undeclared", (_case, read) => {
    expect(undeclaredReads(SOURCES, [read])).toHaveLength(1);
  });

  it("records every read in order, answered or not", async () => {
    const recorder = new ReadRecorder(fakeRunner("linux", [{ argv: ["lsblk"] }], { "/proc/mounts": "" }));
    await recorder.run(["lsblk"]);
    await recorder.readFile("/proc/mounts");
    await expect(recorder.listDir("/sys/bus/usb/devices")).rejects.toThrow("not recorded");
    expect(recorder.reads).toEqual([
      { kind: "command", argv: ["lsblk"] },
      { kind: "file", path: "/proc/mounts" },
      { kind: "directory", path: "/sys/bus/usb/devices" },
    ]);
  });

  it("fails a collector that reads what it does not declare, and passes on the facts or the error of one that does not", async () => {
    const sneaky: Collector<string> = { sources: SOURCES, collect: async (runner) => String(await runner.readFile("/etc/shadow")) };
    await expect(collectReadingDeclared(sneaky, fakeRunner("linux", [], { "/etc/shadow": "x" }))).rejects.toThrow("file /etc/shadow");
    const honest: Collector<string> = {
      sources: SOURCES,
      collect: async (runner) => String(await runner.listDir("/etc/dconf/db/local.d")),
    };
    await expect(collectReadingDeclared(honest, fakeRunner("linux", [], { "/etc/dconf/db/local.d/00": "" }))).resolves.toBe("00");
    await expect(collectReadingDeclared(honest, fakeRunner("linux", []))).rejects.toThrow(
      "/etc/dconf/db/local.d (directory): not recorded",
    );
  });
});
