// Boot id and shutdown state through the runner, as a replayed bundle answers them.
import { describe, expect, it } from "vitest";
import { fakeRunner } from "../testing/fake-runner.js";
import { fixtureText } from "../testing/fixtures.js";
import { sourcesCommand } from "../cli/sources.js";
import {
  DARWIN_BOOT_ID,
  DARWIN_WILL_SHUTDOWN,
  LINUX_BOOT_ID,
  readBootId,
  readOsState,
  SYSTEMD_STATE,
  WIN32_BOOT_TIME,
} from "./presence.js";

describe("readBootId", () => {
  it("reads Linux's boot_id file, macOS's kern.bootsessionuuid and Windows' last boot time", async () => {
    const recorded = fixtureText("linux/presence/debian-12-container-boot_id.txt");
    expect(await readBootId(fakeRunner("linux", [], { [LINUX_BOOT_ID]: recorded }))).toBe(recorded.trim());
    expect(recorded.trim()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(await readBootId(fakeRunner("darwin", [{ argv: DARWIN_BOOT_ID, stdout: "A1B2C3D4-0000-1111-2222-333344445555\n" }]))).toBe(
      "A1B2C3D4-0000-1111-2222-333344445555",
    );
    expect(await readBootId(fakeRunner("win32", [{ argv: WIN32_BOOT_TIME, stdout: "2026-03-01T07:12:33Z\r\n" }]))).toBe(
      "2026-03-01T07:12:33Z",
    );
  });

  it("answers nothing when the source is missing or fails", async () => {
    expect(await readBootId(fakeRunner("linux", []))).toBeUndefined();
    expect(await readBootId(fakeRunner("darwin", [{ argv: DARWIN_BOOT_ID, exitCode: 1, stderr: "sysctl: unknown oid" }]))).toBeUndefined();
  });
});

describe("readOsState", () => {
  it("takes systemd's stopping (exit code 1) as shutting down, running as running, and a system it does not run (recorded) as unknown", async () => {
    const recorded = fixtureText("linux/presence/debian-12-container-systemctl-is-system-running.txt");
    expect(await readOsState(fakeRunner("linux", [{ argv: SYSTEMD_STATE, stdout: recorded, exitCode: 1 }]))).toBe("unknown");
    expect(await readOsState(fakeRunner("linux", [{ argv: SYSTEMD_STATE, stdout: "stopping\n", exitCode: 1 }]))).toBe("shutting-down");
    expect(await readOsState(fakeRunner("linux", [{ argv: SYSTEMD_STATE, stdout: "running\n" }]))).toBe("running");
  });

  it("asks macOS's kernel whether a shutdown began", async () => {
    expect(await readOsState(fakeRunner("darwin", [{ argv: DARWIN_WILL_SHUTDOWN, stdout: "1\n" }]))).toBe("shutting-down");
    expect(await readOsState(fakeRunner("darwin", [{ argv: DARWIN_WILL_SHUTDOWN, stdout: "0\n" }]))).toBe("running");
  });

  it("cannot tell without the source, nor on Windows (its service host says it)", async () => {
    expect(await readOsState(fakeRunner("linux", []))).toBe("unknown");
    expect(await readOsState(fakeRunner("win32", []))).toBe("unknown");
  });
});

describe("sources", () => {
  it("lists what the service reads about presence, so a bundle built by hand can carry the boot id", async () => {
    const lines: string[] = [];
    await sourcesCommand({ platform: "linux", json: true }, (t) => lines.push(t));
    const doc = JSON.parse(lines.join("\n")) as { presence: { kind: string; path?: string; argv?: string[] }[] };
    expect(doc.presence.map((s) => s.path ?? s.argv?.join(" "))).toEqual([LINUX_BOOT_ID, "systemctl is-system-running"]);
    const text: string[] = [];
    await sourcesCommand({ platform: "darwin" }, (t) => text.push(t));
    expect(text.join("\n")).toContain("presence (the service itself):\n  (optional) sysctl -n kern.bootsessionuuid");
  });
});
