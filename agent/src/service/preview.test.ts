import { MAX_PREVIEW_ITEMS, type CheckResult, type CheckViolation } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { previewOf } from "./preview.js";

const v = (subject: string, title?: string): CheckViolation => ({
  subject,
  message: `${subject} fails`,
  observed: "x",
  expected: "y",
  ...(title === undefined
    ? {}
    : { title: { name: title, verdict: "denied", versions: ["1"], sources: ["dpkg"], identity: {}, scope: "installed" } }),
});
const fail = (check: CheckResult["check"], ...violations: CheckViolation[]): CheckResult => ({ check, status: "fail", violations });
const pass = (check: CheckResult["check"]): CheckResult => ({ check, status: "pass", violations: [] });
const unknown = (check: CheckResult["check"]): CheckResult => ({ check, status: "unknown", violations: [], reason: "no session" });

describe("previewOf", () => {
  it("names what the candidate would open and resolve, by check, subject and title", () => {
    const current = [fail("software", v("nmap", "Nmap")), pass("usb-storage")];
    const candidate = [fail("software", v("wireshark", "Wireshark")), fail("usb-storage", v("SER-1"))];
    expect(previewOf("p-00000001", current, candidate)).toEqual({
      type: "preview-result",
      id: "p-00000001",
      opened: [
        { check: "software", subject: "wireshark", title: "Wireshark" },
        { check: "usb-storage", subject: "SER-1" },
      ],
      resolved: [{ check: "software", subject: "nmap", title: "Nmap" }],
    });
  });

  it("changes nothing for the same verdicts, and says nothing about a check the candidate cannot judge", () => {
    const current = [fail("software", v("nmap", "Nmap")), fail("screen-lock", v("alice"))];
    expect(previewOf("p-00000002", current, [fail("software", v("nmap", "Nmap")), unknown("screen-lock")])).toMatchObject({
      opened: [],
      resolved: [],
    });
  });

  it("counts a check the agent has no result for yet as passing before", () => {
    expect(previewOf("p-00000003", [], [fail("usb-storage", v("SER-9"))]).opened).toEqual([{ check: "usb-storage", subject: "SER-9" }]);
  });

  it("keeps an answer within the frame's limit and says how many it left out", () => {
    const many = Array.from({ length: MAX_PREVIEW_ITEMS + 7 }, (_, i) => v(`S-${i}`));
    const out = previewOf("p-00000004", [], [fail("usb-storage", ...many)]);
    expect([out.opened.length, out.omitted]).toEqual([MAX_PREVIEW_ITEMS, 7]);
  });
});
