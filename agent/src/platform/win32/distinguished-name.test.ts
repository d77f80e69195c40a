import { describe, expect, it } from "vitest";
import { dnAttribute, dnOrganisation, parseDistinguishedName } from "./distinguished-name.js";

describe("parseDistinguishedName", () => {
  it("reads a subject as .NET prints it", () => {
    expect(parseDistinguishedName("CN=Microsoft Windows, O=Microsoft Corporation, L=Redmond, S=Washington, C=US")).toEqual([
      { type: "CN", value: "Microsoft Windows" },
      { type: "O", value: "Microsoft Corporation" },
      { type: "L", value: "Redmond" },
      { type: "S", value: "Washington" },
      { type: "C", value: "US" },
    ]);
  });

  it("keeps a quoted value's comma and doubled quotes", () => {
    expect(parseDistinguishedName('CN="WeGroup, Inc.", O="The ""Best"" Co", C=NL')).toEqual([
      { type: "CN", value: "WeGroup, Inc." },
      { type: "O", value: 'The "Best" Co' },
      { type: "C", value: "NL" },
    ]);
  });

  it("reads text that is not a DN as nothing", () => {
    expect(parseDistinguishedName("Microsoft Corporation")).toEqual([]);
  });
});

describe("dnOrganisation", () => {
  it.each([
    ["CN=AnyDesk Software GmbH, O=AnyDesk Software GmbH, L=Stuttgart, C=DE", "AnyDesk Software GmbH"],
    ["CN=Jane Developer", "Jane Developer"],
    ["CN=Microsoft Time-Stamp Service, OU=nCipher DSE ESN:12E7-3064-6112, OU=AOC, O=Microsoft Corporation", "Microsoft Corporation"],
    ["", undefined],
  ])("%s → %s (O, else CN)", (dn, organisation) => {
    expect(dnOrganisation(dn)).toBe(organisation);
  });

  it("finds attributes case-insensitively", () => {
    expect(dnAttribute("cn=Foo, o=Bar", "CN")).toBe("Foo");
  });
});
