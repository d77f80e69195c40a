import { describe, expect, it } from "vitest";
import { fakeRunner } from "../../testing/fake-runner.js";
import { fixtureText } from "../../testing/fixtures.js";
import { readCommandText } from "./collect.linux.sources.js";

describe("readCommandText", () => {
  it("reports gsettings' refusal to change a locked key in its own words (debian-12-container-locked-policy.set-idle-delay-0.stderr.txt)", async () => {
    const argv = ["runuser", "-u", "ann", "--", "gsettings", "set", "org.gnome.desktop.session", "idle-delay", "0"];
    const stderr = fixtureText("linux/gsettings/debian-12-container-locked-policy.set-idle-delay-0.stderr.txt");
    const result = await readCommandText(fakeRunner("linux", [{ argv, exitCode: 1, stderr }]), argv);
    expect(result).toMatchObject({
      ok: false,
      description: "gsettings set org.gnome.desktop.session idle-delay 0: exit code 1: The key is not writable",
    });
  });

  it("says when a command is not there", async () => {
    expect(await readCommandText(fakeRunner("linux", []), ["xset", "q"])).toMatchObject({ ok: false, description: "xset q: not recorded" });
    expect(await readCommandText(fakeRunner("linux", [{ argv: ["xset", "q"], exitCode: 127 }]), ["xset", "q"])).toMatchObject({
      ok: false,
      description: "xset q: not installed",
    });
  });
});
