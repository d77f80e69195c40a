import { DEFAULT_POLICY } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { fixtureText } from "../../testing/fixtures.js";
import { evaluateScreenLock } from "./evaluate.js";
import { combine } from "./merge.darwin.js";
import { parsePmsetSections, pmsetInteger } from "./parse/pmset.js";

describe("combine", () => {
  it("fails the Hackintosh whose pmset -g shows display sleep 20 min and no shorter screen saver", () => {
    const sections = parsePmsetSections(fixtureText("macos/pmset/macos-hackintosh-imac20-g-displaysleep-20.txt"), "pmset -g");
    const inUse = sections.find((s) => s.name === "Currently in use");
    const minutes = inUse === undefined ? undefined : pmsetInteger(inUse, "displaysleep");
    expect(minutes).toBe(20);
    const user = combine(
      "bob",
      { value: 0, origin: "user setting", managed: false },
      { value: 0, origin: "user setting", managed: false },
      [{ powerSource: "Currently in use", seconds: (minutes ?? 0) * 60 }],
    );
    expect(user.idleSeconds).toBe(1200);
    expect(evaluateScreenLock({ users: [user], unreadable: [] }, DEFAULT_POLICY.screenLock).status).toBe("fail");
  });
});
