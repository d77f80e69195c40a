import { AgentCheckId, Platform } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { CHECKS, checksWokenBy, liveChecks } from "./registry.js";
import { PACKAGE_DATABASES } from "./software/package-databases.js";
import type { CheckDefinition } from "./types.js";

describe("the check registry", () => {
  it("registers one check for every check id the protocol knows, each once", () => {
    expect(CHECKS.map((c) => c.id).sort()).toEqual([...AgentCheckId.options].sort());
  });

  it("gives every check a collector per OS and a live interval", async () => {
    for (const check of CHECKS) {
      for (const platform of Platform.options)
        expect((await check.collectors[platform]()).sources.length, `${check.id} on ${platform}`).toBeGreaterThan(0);
      expect(check.live.everySeconds, check.id).toBeGreaterThan(0);
    }
  });

  it("reports a check's enforcement under the check's own id", () => {
    for (const check of CHECKS) if (check.enforce !== undefined) expect(check.enforce.check).toBe(check.id);
    expect(CHECKS.filter((c) => c.enforce !== undefined).map((c) => [c.id, c.enforce?.action])).toEqual([["usb-storage", "eject"]]);
  });
});

describe("liveChecks", () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- checks of different fact types
  const reusing = (check: CheckDefinition<any>, paths: readonly string[]) => ({ ...check, reusedWhileUnchanged: paths });

  it.each(Platform.options)("runs every registered check live on %s, in registry order", (platform) => {
    expect(liveChecks(CHECKS, platform, reusing).map((c) => c.id)).toEqual(CHECKS.map((c) => c.id));
  });

  it("reuses the software facts while the package databases stand still, and only those", () => {
    const live = liveChecks(CHECKS, "linux", reusing);
    expect(
      live
        .filter((c) => "reusedWhileUnchanged" in c)
        .map((c) => [c.id, (c as { reusedWhileUnchanged: readonly string[] }).reusedWhileUnchanged]),
    ).toEqual([["software", PACKAGE_DATABASES.linux]]);
    // Windows has no cheap change stamp: its inventory is always re-read.
    expect(liveChecks(CHECKS, "win32", reusing).some((c) => "reusedWhileUnchanged" in c)).toBe(false);
  });
});

describe("checksWokenBy", () => {
  it("names the checks each event wakes, from the registry (USB hot-plug and the mount table wake usb-storage)", () => {
    expect(checksWokenBy(CHECKS, "usb-hotplug")).toEqual(["usb-storage"]);
    expect(checksWokenBy(CHECKS, "mount-table")).toEqual(["usb-storage"]);
  });
});
