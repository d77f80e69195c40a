// `compliance-agent check` as a person runs it: on this machine, on replayed bundles, with bad input.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CheckOutput } from "@wegroup/shared";
import { linuxLaptopBundle, writeBundle } from "../support/bundles.js";
import { removeDir, runAgentCli, tempDir } from "../support/processes.js";

describe("compliance-agent check", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir("wg-check-");
  });
  afterAll(async () => {
    await removeDir(dir);
  });

  it("checks this machine: valid JSON, screen-lock unknown with a reason, usb-storage decided, software from the real dpkg database", async () => {
    const started = performance.now();
    const r = await runAgentCli(["check", "--json"]);
    const wallMs = performance.now() - started;
    expect([0, 1]).toContain(r.code);
    const output = CheckOutput.parse(JSON.parse(r.stdout));
    const byCheck = new Map(output.results.map((x) => [x.check, x]));
    expect(output.device.platform).toBe("linux");
    expect(byCheck.get("screen-lock")?.status).toBe("unknown");
    expect(byCheck.get("screen-lock")?.reason).toMatch(/\S/);
    expect(byCheck.get("usb-storage")?.status).toBe("pass");
    expect(["pass", "fail"]).toContain(byCheck.get("software")?.status);
    expect(r.code).toBe(output.results.some((x) => x.status === "fail") ? 1 : 0);
    process.stdout.write(`check --json on this machine: ${wallMs.toFixed(0)} ms wall\n`);
  });

  it("gives the right verdicts from a replayed bundle: a USB stick and nmap fail, exit code 1", async () => {
    const bundle = join(dir, "dirty.json");
    await writeBundle(bundle, linuxLaptopBundle({ hostname: "lt-dirty", usbStick: true, deniedSoftware: true }));
    const r = await runAgentCli(["check", "--json", "--replay", bundle]);
    expect(r.code).toBe(1);
    const output = CheckOutput.parse(JSON.parse(r.stdout));
    expect(output.device.hostname).toBe("lt-dirty");
    const usb = output.results.find((x) => x.check === "usb-storage");
    expect(usb?.status).toBe("fail");
    expect(usb?.violations.map((v) => v.subject)).toEqual(["071C395B848A2D24"]);
    const software = output.results.find((x) => x.check === "software");
    expect(software?.violations.map((v) => v.subject).sort()).toEqual(["nmap", "tcpdump"]);
    expect(output.results.find((x) => x.check === "screen-lock")?.status).toBe("unknown");
  });

  it("passes a clean replayed laptop (screen-lock stays unknown), exit code 0", async () => {
    const bundle = join(dir, "clean.json");
    await writeBundle(bundle, linuxLaptopBundle({ hostname: "lt-clean", usbStick: false, deniedSoftware: false }));
    const r = await runAgentCli(["check", "--json", "--replay", bundle]);
    const output = CheckOutput.parse(JSON.parse(r.stdout));
    expect(output.results.map((x) => [x.check, x.status])).toEqual([
      ["screen-lock", "unknown"],
      ["usb-storage", "pass"],
      ["software", "pass"],
    ]);
    expect(r.code).toBe(0);
  });

  it("exits 2 naming the field when the policy file does not validate", async () => {
    const policy = join(dir, "bad-policy.json");
    await writeFile(policy, JSON.stringify({ version: 1, screenLock: {}, usbStorage: {}, software: { deny: [{}, {}, {}, { name: 42 }] } }));
    const r = await runAgentCli(["check", "--policy", policy]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("software.deny[3].name");
  });

  it("exits 2 with a clear message for a bundle that is not a bundle", async () => {
    const bundle = join(dir, "not-a-bundle.json");
    await writeFile(bundle, JSON.stringify({ format: "tarball", platform: "linux" }));
    const r = await runAgentCli(["check", "--replay", bundle]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bundle .* is not valid: format/);
  });

  it("applies a policy file: allowing USB storage and denying nothing turns the dirty laptop's USB and software checks green", async () => {
    const bundle = join(dir, "dirty2.json");
    await writeBundle(bundle, linuxLaptopBundle({ hostname: "lt-dirty", usbStick: true, deniedSoftware: true }));
    const policy = join(dir, "lenient.json");
    await writeFile(
      policy,
      JSON.stringify({ version: 7, screenLock: {}, usbStorage: { allowed: true }, software: { mode: "denylist", deny: [] } }),
    );
    const r = await runAgentCli(["check", "--json", "--policy", policy, "--replay", bundle]);
    const output = CheckOutput.parse(JSON.parse(r.stdout));
    expect(output.policyVersion).toBe(7);
    expect(output.results.filter((x) => x.status === "fail")).toEqual([]);
  });
});
