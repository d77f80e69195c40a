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
    const built = linuxLaptopBundle({ hostname: "wg-lt-linux-demo", usbStick: true, deniedSoftware: true, laxGnomeUser: true, dpkgQuery: true });
    const path = join(bundles, "demo-linux.json");
    if (process.env.WRITE_DEMO_BUNDLE === "1") await writeFile(path, `${JSON.stringify(built, null, 2)}\n`);
    expect(JSON.parse(await readFile(path, "utf8"))).toEqual(JSON.parse(JSON.stringify(built)));
  });

  it.each([
    // nmap-common is part of the nmap title (same source package).
    ["demo-linux.json", "linux", { "screen-lock": ["user001"], "usb-storage": ["071C395B848A2D24"], software: ["nmap", "tcpdump"] }],
    // A real Mac's inventory: besides the denied Wireshark, the allowlist flags every third-party app IT has not approved.
    ["demo-mac.json", "darwin", { "screen-lock": null, "usb-storage": null, software: null }],
    ["demo-windows.json", "win32", { "screen-lock": null, "usb-storage": null, software: null }],
  ] as const)("%s fails all three checks on %s", async (file, platform, subjects) => {
    const r = await runAgentCli(["check", "--json", "--replay", join(bundles, file)]);
    expect(r.code, r.stderr).toBe(1);
    const output = CheckOutput.parse(JSON.parse(r.stdout));
    expect(output.device.platform).toBe(platform);
    for (const result of output.results) {
      expect(result.status, `${file} ${result.check}: ${result.reason ?? ""}`).toBe("fail");
      const expected = subjects[result.check];
      if (expected !== null) expect(result.violations.map((v) => v.subject).sort()).toEqual([...expected].sort());
    }
    const denied = output.results.find((x) => x.check === "software")?.violations.filter((v) => v.rule !== "unapproved").map((v) => v.subject);
    expect(denied).toEqual({ "demo-linux.json": ["nmap", "tcpdump"], "demo-mac.json": ["Wireshark"], "demo-windows.json": ["Nmap 7.94"] }[file]);
  }, 60_000);
});
