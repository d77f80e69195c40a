import { describe, expect, it } from "vitest";
import { fakeRunner } from "../testing/fake-runner.js";
import { SwitchableRunner } from "./switchable.js";

describe("SwitchableRunner", () => {
  it("answers from whichever source it holds now", async () => {
    const runner = new SwitchableRunner(fakeRunner("linux", [{ argv: ["lsblk"], stdout: "before" }]));
    expect((await runner.run(["lsblk"])).stdout.toString()).toBe("before");
    runner.replace(fakeRunner("linux", [{ argv: ["lsblk"], stdout: "after" }]));
    expect((await runner.run(["lsblk"])).stdout.toString()).toBe("after");
  });

  it("has no libusb list when its source has none (replay)", () => {
    expect(new SwitchableRunner(fakeRunner("linux", [])).usbDevices).toBeUndefined();
  });
});
