// The three demo laptops (Linux, Mac, Windows) replay to the right verdicts through the real CLI.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CheckOutput } from "@wegroup/shared";
import { linuxLaptopBundle } from "./support/bundles.js";
import { ROOT, runAgentCli } from "./support/processes.js";

const bundles = join(ROOT, "fixtures", "bundles");

describe("demo bundles", () => {
  it("demo-linux.json is the Linux demo laptop built from the fixtures (WRITE_DEMO_BUNDLE=1 rebuilds it)", async () => {
    const built = linuxLaptopBundle({
      hostname: "wg-lt-linux-demo",
      usbStick: true,
      deniedSoftware: true,
      laxGnomeUser: true,
      dpkgQuery: true,
      aptFromDebian: false,
    });
    const path = join(bundles, "demo-linux.json");
    if (process.env.WRITE_DEMO_BUNDLE === "1") await writeFile(path, `${JSON.stringify(built, null, 2)}\n`);
    expect(JSON.parse(await readFile(path, "utf8"))).toEqual(JSON.parse(JSON.stringify(built)));
  });

  it.each([
    // nmap-common is part of the nmap title (same source package).
    ["demo-linux.json", "linux", { "screen-lock": ["user001"], "usb-storage": ["071C395B848A2D24"], software: ["nmap", "tcpdump"] }],
    // A real Mac's inventory: the denied Wireshark, then the top-level apps IT has not approved (by team id) — no printer
    // filter, helper, receipt or Homebrew dependency. Keynote, Numbers, Pages and iMovie are Apple's App Store apps, but
    // their Info.plist (the bundle id the store binds to Apple) is not recorded for this Mac.
    ["demo-mac.json", "darwin", { "screen-lock": ["user1"], "usb-storage": ["59402D7A"], software: [...MAC_UNAPPROVED, "wireshark"] }],
    [
      "demo-windows.json",
      "win32",
      {
        "screen-lock": ["WEGROUP\\demo.user"],
        "usb-storage": ["4C530001230514117424"],
        software: ["microsoft .net framework 4 client profile", "nmap"],
      },
    ],
  ] as const)(
    "%s fails all three checks on %s",
    async (file, platform, subjects) => {
      const r = await runAgentCli(["check", "--json", "--replay", join(bundles, file)]);
      expect(r.code, r.stderr).toBe(1);
      const output = CheckOutput.parse(JSON.parse(r.stdout));
      expect(output.device.platform).toBe(platform);
      for (const result of output.results) {
        expect(result.status, `${file} ${result.check}: ${result.reason ?? ""}`).toBe("fail");
        const expected = subjects[result.check];
        if (expected !== null) expect(result.violations.map((v) => v.subject).sort()).toEqual([...expected].sort());
      }
      const denied = output.results
        .find((x) => x.check === "software")
        ?.violations.filter((v) => v.rule !== "unapproved")
        .map((v) => v.subject);
      expect(denied).toEqual(
        { "demo-linux.json": ["nmap", "tcpdump"], "demo-mac.json": ["wireshark"], "demo-windows.json": ["nmap"] }[file],
      );
    },
    60_000,
  );
});

const MAC_UNAPPROVED = [
  "adobe air application installer",
  "adobe elements 9 organizer",
  "adobe help",
  "adobe photoshop elements",
  "ape",
  "cyberduck",
  "dna strider",
  "enzymex",
  "extendscript toolkit",
  "f-secure mac protection",
  "fiji",
  "filezilla",
  "gimp",
  "image lab",
  "imagej",
  "imovie",
  "inkscape",
  "keynote",
  "kyocera print panel",
  "mendeley reference manager",
  "microsoft lync",
  "microsoft messenger",
  "numbers",
  "onyx",
  "pages",
  "photoshopdotcominspirationbrowser",
  "r",
  "remote desktop connection",
  "rstudio",
  "skype for business",
  "snapndrag",
  "support tool",
  "vlc",
  "xmind",
  "xquartz",
];
