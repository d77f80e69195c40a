import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { decodeText } from "../../../runner/decode.js";
import { expectRowsOrParseError } from "../../../testing/fuzz.js";
import { fixture } from "../../../testing/fixtures.js";
import { parseSnapList } from "./snap.js";

const LIST_ALL = "ubuntu-snap-list-all-lxd-disabled-revision.txt";

describe("snap list parser", () => {
  it(`reads ${LIST_ALL}: the disabled lxd revision is skipped and the check mark dropped from the publisher`, () => {
    const packages = parseSnapList(decodeText(fixture(`linux/snap/${LIST_ALL}`)), "snap list --all");
    expect(packages).toEqual([
      { name: "core20", version: "20231123", source: "snap", publisher: "canonical" },
      { name: "core22", version: "20231123", source: "snap", publisher: "canonical" },
      { name: "lxd", version: "git-def587b", source: "snap", publisher: "canonical" },
      { name: "snapd", version: "2.61.1", source: "snap", publisher: "canonical" },
    ]);
    // core24 was asked for but is not installed: it is not invented.
    expect(packages.some((p) => p.name === "core24")).toBe(false);
  });

  it("reads publishers without UTF-8 marks, starred and unknown publishers", () => {
    const text = [
      "Name               Version          Rev    Tracking         Publisher     Notes",
      "firefox            118.0.1-1        3216   latest/stable    mozilla**     -",
      "code               6c3e3dba         143    latest/stable    vscode✓       classic",
      "spotify            1.2.20.1210      74     latest/stable    spotify✪      -",
      "my-tool            0.1              x1     -                -             -",
      "wireshark          4.0.6            116    latest/stable    fossfreedom*  base,disabled",
    ].join("\n");
    expect(parseSnapList(text)).toEqual([
      { name: "firefox", version: "118.0.1-1", source: "snap", publisher: "mozilla" },
      { name: "code", version: "6c3e3dba", source: "snap", publisher: "vscode" },
      { name: "spotify", version: "1.2.20.1210", source: "snap", publisher: "spotify" },
      { name: "my-tool", version: "0.1", source: "snap" },
    ]);
  });

  it("reads the old five-column table (Developer, no Tracking) and a translated header", () => {
    expect(parseSnapList("Name   Version  Rev  Developer  Notes\nnmap   7.70     513  maxiberta  -\n")).toEqual([
      { name: "nmap", version: "7.70", source: "snap", publisher: "maxiberta" },
    ]);
    expect(parseSnapList("Nom    Version  Rév   Suivi          Éditeur     Notes\ncore   16-2.61  16202 latest/stable  canonical✓  core\n")).toEqual([
      { name: "core", version: "16-2.61", source: "snap", publisher: "canonical" },
    ]);
  });

  it("reads no snaps as an empty list", () => {
    expect(parseSnapList("")).toEqual([]);
    expect(parseSnapList("No snaps are installed yet. Try 'snap install hello-world'.\n")).toEqual([]);
  });

  it.each([
    ["a row with a missing cell", "Name Version Rev Tracking Publisher Notes\nlxd git-def587b 27004 latest/edge\n"],
    ["an unknown header", "Package Version\nlxd 5.0\n"],
    ["English columns in an unknown order", "Name Rev Version Tracking Publisher Notes\nlxd 1 2 3 4 5\n"],
    ["an error message", "error: cannot communicate with server: Get \"http://localhost/v2/snaps\": dial unix /run/snapd.socket: connect: no such file or directory\n"],
  ])("throws a ParseError on %s", (_what, text) => {
    expect(() => parseSnapList(text)).toThrow(ParseError);
  });

  it("returns rows or throws a ParseError, nothing else, on truncated and garbled input", () => {
    const texts = [decodeText(fixture(`linux/snap/${LIST_ALL}`))];
    expectRowsOrParseError(parseSnapList, texts);
  });
});
