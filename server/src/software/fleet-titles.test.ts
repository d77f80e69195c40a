// The fleet's titles folded from grouped software violations: verdicts, device counts, unions, the identity most devices report.
import type { SoftwareTitleDetail } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import type { SoftwareViolationGroup } from "../store/software.js";
import { fleetTitles, rowStatusFor, verdictOf } from "./fleet-titles.js";

const detail = (over: Partial<SoftwareTitleDetail> = {}): SoftwareTitleDetail => ({
  name: "Wireshark",
  verdict: "denied",
  category: "sniffer",
  versions: ["4.2.0"],
  sources: ["app"],
  identity: { teamId: "7Z6EMTD2C6" },
  scope: "installed",
  ...over,
});
const group = (over: Partial<SoftwareViolationGroup> = {}): SoftwareViolationGroup => ({
  subject: "wireshark",
  status: "open",
  rule: "deny-wireshark",
  title: detail(),
  devices: 1,
  ...over,
});

describe("verdictOf", () => {
  it.each<[string, Partial<SoftwareViolationGroup>, string]>([
    ["the agent's verdict on an open row", {}, "denied"],
    ["an unapproved title", { rule: null, title: detail({ verdict: "unapproved" }) }, "unapproved"],
    ["an exempted row, whatever the title says", { status: "exempted" }, "exempted"],
    ["an older agent's deny rule (no detail)", { title: null, rule: "nmap" }, "denied"],
    ["an older agent's unapproved finding (no detail)", { title: null, rule: "unapproved" }, "unapproved"],
    ["a row with neither detail nor rule", { title: null, rule: null }, "unapproved"],
  ])("%s → %s", (_name, over, expected) => {
    expect(verdictOf(group(over))).toBe(expected);
  });
});

describe("rowStatusFor", () => {
  it.each([
    ["denied", "open"],
    ["unapproved", "open"],
    ["exempted", "exempted"],
    ["all", "lasting"],
  ] as const)("%s reads the %s rows", (status, rows) => {
    expect(rowStatusFor(status)).toBe(rows);
  });
});

describe("fleetTitles", () => {
  const fleet: SoftwareViolationGroup[] = [
    group({ devices: 3 }),
    group({ devices: 1, title: detail({ versions: ["4.4.1", "4.2.0"], sources: ["homebrew", "app"], identity: {} }) }),
    group({ status: "exempted", devices: 1 }),
    group({
      subject: "anydesk",
      rule: null,
      devices: 2,
      title: detail({
        name: "AnyDesk",
        verdict: "unapproved",
        category: undefined,
        versions: ["8.0.8"],
        sources: ["registry"],
        identity: { signer: "philandro Software GmbH" },
      }),
    }),
    group({
      subject: "teamviewer",
      rule: null,
      devices: 5,
      title: detail({ name: "TeamViewer", verdict: "unapproved", category: undefined, versions: ["15.1"], sources: ["app"], identity: {} }),
    }),
  ];

  it("lists one item per title and verdict, denied first, then unapproved by devices, then exempted", () => {
    expect(fleetTitles(fleet, "all").map((t) => [t.verdict, t.key, t.devices])).toEqual([
      ["denied", "wireshark", 4],
      ["unapproved", "teamviewer", 5],
      ["unapproved", "anydesk", 2],
      ["exempted", "wireshark", 1],
    ]);
  });

  it("unites versions (in version order) and sources, and takes the identity and name most devices report", () => {
    const [wireshark] = fleetTitles(fleet, "denied");
    expect(wireshark).toEqual({
      title: "Wireshark",
      key: "wireshark",
      check: "software",
      verdict: "denied",
      category: "sniffer",
      devices: 4,
      versions: ["4.2.0", "4.4.1"],
      sources: ["app", "homebrew"],
      identity: { teamId: "7Z6EMTD2C6" },
    });
  });

  it.each([
    ["denied", ["wireshark"]],
    ["unapproved", ["teamviewer", "anydesk"]],
    ["exempted", ["wireshark"]],
  ] as const)("keeps only the %s titles when asked for them", (status, keys) => {
    const items = fleetTitles(fleet, status);
    expect(items.map((t) => t.key)).toEqual(keys);
    expect(items.every((t) => t.verdict === status)).toBe(true);
  });

  it("names a title without a detail by its key, with nothing more to unite", () => {
    expect(fleetTitles([group({ subject: "nmap", rule: "nmap", title: null, devices: 2 })], "all")).toEqual([
      { title: "nmap", key: "nmap", check: "software", verdict: "denied", devices: 2, versions: [], sources: [], identity: {} },
    ]);
  });

  it("breaks a tie between identities the same way every time", () => {
    const tied = [group({ title: detail({ identity: { teamId: "B" } }) }), group({ title: detail({ identity: { teamId: "A" } }) })];
    expect(fleetTitles(tied, "all")[0]?.identity).toEqual(fleetTitles([...tied].reverse(), "all")[0]?.identity);
  });

  it("answers nothing for a fleet without software violations", () => {
    expect(fleetTitles([], "all")).toEqual([]);
  });
});
