import fc from "fast-check";
import { DeviceFacts } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { sourcesCommand } from "../cli/sources.js";
import { deviceFactsFrom, SI_OS_INFO, SI_SYSTEM } from "./device-facts.js";

describe("deviceFactsFrom", () => {
  it("takes manufacturer, model, serial, distribution and release as systeminformation answers them", () => {
    expect(
      deviceFactsFrom(
        {
          manufacturer: "LENOVO",
          model: "20XWCTO1WW",
          version: "ThinkPad X1 Carbon Gen 9",
          serial: "PF2ABCDE",
          uuid: "…",
          sku: "LENOVO_MT_20XW",
          virtual: false,
        },
        { platform: "linux", distro: "Ubuntu", release: "24.04.1 LTS", codename: "noble", kernel: "6.8.0-45-generic", serial: "3d1219c7…" },
      ),
    ).toEqual({ manufacturer: "LENOVO", model: "20XWCTO1WW", serial: "PF2ABCDE", osDistribution: "Ubuntu", osRelease: "24.04.1 LTS" });
  });

  it("leaves out what a container or firmware placeholder says instead of a fact", () => {
    // What systeminformation 5 answered in this repository's Debian 12 container.
    expect(
      deviceFactsFrom(
        { manufacturer: "", model: "Docker Container", version: "", serial: "-", uuid: "", sku: "-", virtual: true, virtualHost: "KVM" },
        {
          platform: "linux",
          distro: "Debian GNU/Linux",
          release: "12",
          codename: "bookworm",
          arch: "x64",
          serial: "3d1219c7c4c5404aaa1f6d2a48adfda4",
        },
      ),
    ).toEqual({ model: "Docker Container", osDistribution: "Debian GNU/Linux", osRelease: "12" });
    for (const placeholder of ["To be filled by O.E.M.", "Default string", "System Serial Number", " Not Specified ", "0"]) {
      expect(deviceFactsFrom({ serial: placeholder, manufacturer: placeholder }, {})).toEqual({});
    }
  });

  it("answers facts the hello schema accepts, whatever it was handed", () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (system, os) => {
        expect(DeviceFacts.safeParse(deviceFactsFrom(system, os)).success).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom("manufacturer", "model", "serial"), fc.string({ unit: "binary" })), (system) => {
        expect(DeviceFacts.safeParse(deviceFactsFrom(system, {})).success).toBe(true);
      }),
    );
  });
});

describe("sources", () => {
  it("lists the systeminformation answers and the notification commands, so a bundle can be assembled by hand", async () => {
    const lines: string[] = [];
    await sourcesCommand({ platform: "linux", json: true }, (t) => lines.push(t));
    const listed = JSON.parse(lines.join("\n")) as { deviceFacts: { argv: string[] }[]; notifications: { argv: string[] }[] };
    expect(listed.deviceFacts.map((s) => s.argv)).toEqual([[...SI_SYSTEM], [...SI_OS_INFO]]);
    expect(listed.notifications[0]?.argv.slice(0, 7)).toEqual([
      "runuser",
      "-u",
      "{user}",
      "--",
      "env",
      "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/{uid}/bus",
      "notify-send",
    ]);
  });
});
