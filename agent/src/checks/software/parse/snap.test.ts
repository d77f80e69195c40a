import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { decodeText } from "../../../runner/decode.js";
import { expectRowsOrParseError } from "../../../testing/fuzz.js";
import { fixture } from "../../../testing/fixtures.js";
import { parseSnapList } from "./snap.js";

const LIST_ALL = "ubuntu-snap-list-all-lxd-disabled-revision.txt";
const TRY_MODE = "maas-dev-snap-list-try-mode-no-publisher.txt";
const REFRESH_ASCII = "snap-refresh-list-ascii-verified-double-star.txt";
const recorded = (name: string) => decodeText(fixture(`linux/snap/${name}`));

describe("snap list parser", () => {
  it(`reads ${LIST_ALL}: the disabled lxd revision is skipped and the check mark dropped from the publisher`, () => {
    const packages = parseSnapList(decodeText(fixture(`linux/snap/${LIST_ALL}`)), "snap list --all");
    expect(packages).toEqual([
      { name: "core20", version: "20231123", source: "snap", publisher: "canonical", verified: true, system: true },
      { name: "core22", version: "20231123", source: "snap", publisher: "canonical", verified: true, system: true },
      { name: "lxd", version: "git-def587b", source: "snap", publisher: "canonical", verified: true },
      { name: "snapd", version: "2.61.1", source: "snap", publisher: "canonical", verified: true, system: true },
    ]);
    // core24 was asked for but is not installed: it is not invented.
    expect(packages.some((p) => p.name === "core24")).toBe(false);
  });

  it(`reads ${TRY_MODE}: maas tried from a local build (rev x1, publisher -, Notes try) has no store publisher`, () => {
    const packages = parseSnapList(recorded(TRY_MODE));
    expect(packages).toEqual([
      { name: "core", version: "16-2.41", source: "snap", publisher: "canonical", verified: true, system: true },
      { name: "core18", version: "20191001", source: "snap", publisher: "canonical", verified: true, system: true },
      { name: "maas", version: "2.7.0-8077-g.7e249fbe4", source: "snap", local: true },
      { name: "maas-cli", version: "0.6.5", source: "snap", publisher: "canonical", verified: true },
      { name: "snapd", version: "2.41", source: "snap", publisher: "canonical", verified: true, system: true },
    ]);
  });

  it(`reads ${REFRESH_ASCII}: the Size column of refresh --list, and "**" as the ASCII verified mark`, () => {
    expect(parseSnapList(recorded(REFRESH_ASCII), "snap refresh --list")).toEqual([
      { name: "core22", version: "20240111", source: "snap", publisher: "canonical", verified: true, system: true },
    ]);
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
    // ✪ (a starred publisher) is not a verification.
    expect(parseSnapList(text)).toEqual([
      { name: "firefox", version: "118.0.1-1", source: "snap", publisher: "mozilla", verified: true },
      { name: "code", version: "6c3e3dba", source: "snap", publisher: "vscode", verified: true },
      { name: "spotify", version: "1.2.20.1210", source: "snap", publisher: "spotify" },
      { name: "my-tool", version: "0.1", source: "snap", local: true },
    ]);
  });

  it("reads the old five-column table (Developer, no Tracking) and a translated header", () => {
    expect(parseSnapList("Name   Version  Rev  Developer  Notes\nnmap   7.70     513  maxiberta  -\n")).toEqual([
      { name: "nmap", version: "7.70", source: "snap", publisher: "maxiberta" },
    ]);
    expect(
      parseSnapList("Nom    Version  Rév   Suivi          Éditeur     Notes\ncore   16-2.61  16202 latest/stable  canonical✓  core\n"),
    ).toEqual([{ name: "core", version: "16-2.61", source: "snap", publisher: "canonical", verified: true, system: true }]);
  });

  it("reads no snaps as an empty list", () => {
    expect(parseSnapList("")).toEqual([]);
    expect(parseSnapList("No snaps are installed yet. Try 'snap install hello-world'.\n")).toEqual([]);
  });

  it.each([
    ["a row with a missing cell", "Name Version Rev Tracking Publisher Notes\nlxd git-def587b 27004 latest/edge\n"],
    ["an unknown header", "Package Version\nlxd 5.0\n"],
    ["English columns in an unknown order", "Name Rev Version Tracking Publisher Notes\nlxd 1 2 3 4 5\n"],
    [
      "an error message",
      'error: cannot communicate with server: Get "http://localhost/v2/snaps": dial unix /run/snapd.socket: connect: no such file or directory\n',
    ],
  ])("throws a ParseError on %s", (_what, text) => {
    expect(() => parseSnapList(text)).toThrow(ParseError);
  });

  it("returns rows or throws a ParseError, nothing else, on truncated and garbled input", () => {
    const texts = [LIST_ALL, TRY_MODE, REFRESH_ASCII].map(recorded);
    expectRowsOrParseError(parseSnapList, texts);
  });
});
