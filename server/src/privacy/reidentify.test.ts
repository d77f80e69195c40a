import type { ReportFrame } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { candidateNames, nameDigest, pseudonymiseReport } from "./reidentify.js";

const report: ReportFrame = {
  type: "report",
  id: "0190f3c2-7c1a-7000-8000-000000000001",
  observedAt: "2025-03-01T10:00:00.000Z",
  policyVersion: 1,
  results: [
    {
      check: "screen-lock",
      status: "fail",
      violations: [
        { subject: "CORP\\Ölafsdóttir", message: "The screen of Ölafsdóttir never locks", observed: "o", expected: "e" },
        { subject: "bob", message: "m", observed: "o", expected: "e" },
      ],
    },
    {
      check: "usb-storage",
      status: "fail",
      violations: [{ subject: "SER1", message: "stick", observed: "mounted at /media/carol/STICK", expected: "none" }],
    },
    {
      check: "software",
      status: "fail",
      violations: [{ subject: "software", message: "software nmap is denied", observed: "o", expected: "e" }],
    },
  ],
};

describe("candidateNames", () => {
  it("takes user subjects (and their account part) and home or media folder names, not other checks' subjects", () => {
    expect(candidateNames(report).sort()).toEqual(["CORP\\Ölafsdóttir", "bob", "carol", "Ölafsdóttir"].sort());
  });
});

describe("nameDigest", () => {
  it("is keyed, and the same for any case or normalisation of a name", () => {
    const key = Buffer.alloc(32, 7);
    expect(nameDigest(key, "ÖLAFSDÓTTIR")).toBe(nameDigest(key, "o\u0308lafsdóttir"));
    expect(nameDigest(key, "bob")).not.toBe(nameDigest(Buffer.alloc(32, 8), "bob"));
  });
});

describe("pseudonymiseReport", () => {
  it("replaces an erased name as the erasure did, in its own violations and in folder names, and nothing else", () => {
    const out = pseudonymiseReport(
      report,
      new Map([
        ["Ölafsdóttir", "erased-user-1"],
        ["carol", "erased-user-2"],
      ]),
    );
    expect(out.results[0]?.violations).toEqual([
      { subject: "erased-user-1", message: "The screen of erased-user-1 never locks", observed: "o", expected: "e" },
      { subject: "bob", message: "m", observed: "o", expected: "e" },
    ]);
    expect(out.results[1]?.violations[0]?.observed).toBe("mounted at /media/erased-user-2/STICK");
    expect(out.results[2]).toEqual(report.results[2]);
    expect(out.id).toBe(report.id);
  });
});
