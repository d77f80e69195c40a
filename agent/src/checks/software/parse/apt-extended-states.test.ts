import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { decodeText } from "../../../runner/decode.js";
import { expectRowsOrParseError } from "../../../testing/fuzz.js";
import { fixture } from "../../../testing/fixtures.js";
import { parseAptExtendedStates } from "./apt-extended-states.js";

const UBUNTU = "ubuntu-20.04-server-rootfs-672-auto-incl-tcpdump.extended_states";
const WHEEZY = "debian-wheezy-i386-webconverger-307-auto.extended_states";
const text = (name: string) => decodeText(fixture(`linux/apt-extended-states/${name}`));

describe("apt extended_states parser", () => {
  it(`reads ${UBUNTU}: 672 automatic marks, tcpdump and libpcap0.8 among them`, () => {
    const marks = parseAptExtendedStates(text(UBUNTU));
    expect(marks).toHaveLength(672);
    expect(marks.every((m) => m.auto && m.arch === "amd64")).toBe(true);
    const names = marks.map((m) => m.name);
    for (const name of [
      "tcpdump",
      "libpcap0.8",
      "git",
      "sudo",
      "snapd",
      "open-vm-tools",
      "openssh-client",
      "python3-pip",
      "gcc",
      "make",
      "linux-image-generic",
    ]) {
      expect(names).toContain(name);
    }
    expect(marks[0]).toEqual({ name: "distro-info", arch: "amd64", auto: true });
  });

  it(`reads ${WHEEZY}: 307 automatic i386 marks, 84 of them iceweasel language packs`, () => {
    const marks = parseAptExtendedStates(text(WHEEZY));
    expect(marks).toHaveLength(307);
    expect(marks.every((m) => m.auto && m.arch === "i386")).toBe(true);
    expect(marks.filter((m) => m.name.startsWith("iceweasel-l10n-"))).toHaveLength(84);
    expect(marks.map((m) => m.name)).toContain("live-boot-initramfs-tools");
  });

  it("reads Auto-Installed: 0 as a manual mark and a stanza without Architecture (before multiarch)", () => {
    expect(
      parseAptExtendedStates("Package: nmap\nArchitecture: amd64\nAuto-Installed: 0\n\nPackage: libpcap0.8\nAuto-Installed: 1\n"),
    ).toEqual([
      { name: "nmap", arch: "amd64", auto: false },
      { name: "libpcap0.8", auto: true },
    ]);
  });

  it("reads an empty file as no marks", () => {
    expect(parseAptExtendedStates("")).toEqual([]);
  });

  it.each([
    ["a stanza without Package", "Architecture: amd64\nAuto-Installed: 1\n"],
    ["a line that is no field", "Package: nmap\nthis is not a field\n"],
    ["an odd Auto-Installed value", "Package: nmap\nAuto-Installed: yes\n"],
  ])("throws a ParseError on %s", (_what, content) => {
    expect(() => parseAptExtendedStates(content)).toThrow(ParseError);
  });

  it("returns rows or throws a ParseError, nothing else, on truncated and garbled input", () => {
    expectRowsOrParseError(parseAptExtendedStates, [text(UBUNTU), text(WHEEZY)]);
  });
});
