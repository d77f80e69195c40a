import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { decodeText } from "../../../runner/decode.js";
import { expectRowsOrParseError } from "../../../testing/fuzz.js";
import { fixture } from "../../../testing/fixtures.js";
import { parseDnfUserInstalled } from "./dnf-userinstalled.js";

const USERINSTALLED = "fedora-28-dnf-history-userinstalled-partial.txt";
const text = () => decodeText(fixture(`linux/dnf/${USERINSTALLED}`));

describe("dnf history userinstalled parser", () => {
  it(`reads ${USERINSTALLED}: the names under the header, epochs and arches cut off`, () => {
    expect(parseDnfUserInstalled(text())).toEqual([
      "ansible",
      "authselect",
      "dconf-editor",
      "emacs",
      "git",
      "gnome-tweaks",
      "grub2-pc",
      "grub2-tools",
    ]);
  });

  it("reads a translated header and dnf's repoquery-style NEVRAs with a zero epoch", () => {
    expect(
      parseDnfUserInstalled("Vom Benutzer installierte Pakete\nnmap-3:7.92-1.el9.x86_64\nwireshark-cli-1:3.4.10-1.el9.x86_64\n"),
    ).toEqual(["nmap", "wireshark-cli"]);
    expect(parseDnfUserInstalled("bash-0:5.2.26-3.fc40.x86_64\n")).toEqual(["bash"]);
  });

  it("throws a ParseError on a line that is not a NEVRA after the list began", () => {
    expect(() => parseDnfUserInstalled("Packages installed by user\nansible-2.5.2-1.fc28.noarch\nError: something went wrong\n")).toThrow(
      ParseError,
    );
  });

  it("returns rows or throws a ParseError, nothing else, on truncated and garbled input", () => {
    expectRowsOrParseError(parseDnfUserInstalled, [text()]);
  });
});
