import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { decodeText } from "../../../runner/decode.js";
import { expectRowsOrParseError } from "../../../testing/fuzz.js";
import { fixture } from "../../../testing/fixtures.js";
import { parseRpm, sniffRpmFormat } from "./rpm.js";

const QAI = "centos-7.7-vm-rpm-qai-trimmed.txt";
const qaiText = () => decodeText(fixture(`linux/rpm/${QAI}`));

describe("rpm parser", () => {
  it(`reads ${QAI}: 308 entries with epoch only where an Epoch line is present`, () => {
    const packages = parseRpm(qaiText(), "rpm -qai");
    expect(sniffRpmFormat(qaiText())).toBe("info");
    expect(packages).toHaveLength(308);
    expect(packages[0]).toEqual({ name: "make", version: "1:3.82-24.el7", source: "rpm", arch: "x86_64", publisher: "CentOS" });
    expect(packages[1]).toEqual({ name: "kbd-legacy", version: "1.15.5-15.el7", source: "rpm", arch: "noarch", publisher: "CentOS" });
    expect(packages.filter((p) => /^\d+:/.test(p.version))).toHaveLength(55);
  });

  it(`keeps every instance of repeated names in ${QAI} (kernel, gpg-pubkey)`, () => {
    const packages = parseRpm(qaiText(), "rpm -qai");
    expect(packages.filter((p) => p.name === "kernel").map((p) => p.version)).toEqual(expect.arrayContaining(["3.10.0-957.27.2.el7", "3.10.0-957.el7"]));
    expect(packages.filter((p) => p.name === "kernel")).toHaveLength(3);
    // gpg-pubkey has no architecture and no Vendor line; its Description (a PGP block with a "Version:" line) is not read as fields.
    expect(packages.filter((p) => p.name === "gpg-pubkey")).toEqual([
      { name: "gpg-pubkey", version: "352c64e5-52ae6884", source: "rpm" },
      { name: "gpg-pubkey", version: "f4a80eb5-53a7ff4b", source: "rpm" },
    ]);
  });

  it(`takes the Vendor as publisher in ${QAI}`, () => {
    const publishers = parseRpm(qaiText(), "rpm -qai").map((p) => p.publisher ?? "(none)");
    expect(publishers.filter((p) => p === "CentOS")).toHaveLength(302);
    expect(publishers.filter((p) => p === "Fedora Project")).toHaveLength(4);
    expect(publishers.filter((p) => p === "(none)")).toHaveLength(2);
  });

  it("reads the agent's tab-separated --queryformat, with (none) for absent tags", () => {
    const text = "make\t1\t3.82\t24.el7\tx86_64\tCentOS\ngpg-pubkey\t(none)\tf4a80eb5\t53a7ff4b\t(none)\t(none)\nnmap\t2\t7.92\t1.el9\tx86_64\tRocky Enterprise Software Foundation\n";
    expect(sniffRpmFormat(text)).toBe("query");
    expect(parseRpm(text)).toEqual([
      { name: "make", version: "1:3.82-24.el7", source: "rpm", arch: "x86_64", publisher: "CentOS" },
      { name: "gpg-pubkey", version: "f4a80eb5-53a7ff4b", source: "rpm" },
      { name: "nmap", version: "2:7.92-1.el9", source: "rpm", arch: "x86_64", publisher: "Rocky Enterprise Software Foundation" },
    ]);
  });

  it("reads plain rpm -qa lines (name-version-release.arch)", () => {
    const text = "make-3.82-24.el7.x86_64\ngpg-pubkey-352c64e5-52ae6884\nwireshark-cli-1:3.4.10-1.el9.x86_64\npython3-pip-wheel-21.2.3-6.el9.noarch\n";
    expect(sniffRpmFormat(text)).toBe("nevra");
    expect(parseRpm(text)).toEqual([
      { name: "make", version: "3.82-24.el7", source: "rpm", arch: "x86_64" },
      { name: "gpg-pubkey", version: "352c64e5-52ae6884", source: "rpm" },
      { name: "wireshark-cli", version: "1:3.4.10-1.el9", source: "rpm", arch: "x86_64" },
      { name: "python3-pip-wheel", version: "21.2.3-6.el9", source: "rpm", arch: "noarch" },
    ]);
  });

  it("reads empty output as no packages", () => {
    expect(parseRpm("")).toEqual([]);
  });

  it.each([
    ["garbage", "error: rpmdb: BDB0113 Thread/process 1234 failed\n"],
    ["a truncated query line", "make\t1\t3.82\t24.el7\tx86_64\tCentOS\nnmap\t(none)\t7.92"],
    ["a -qai entry without Release", "Name        : make\nVersion     : 3.82\nArchitecture: x86_64\nDescription :\nx\n"],
    ["a non-numeric epoch", "make\tone\t3.82\t24.el7\tx86_64\tCentOS\n"],
    ["a -qai entry with a broken line", "Name        : make\nVersion     : 3.82\n%%% junk\n"],
  ])("throws a ParseError on %s", (_what, text) => {
    expect(() => parseRpm(text, "rpm -qa")).toThrow(ParseError);
  });

  it("returns rows or throws a ParseError, nothing else, on truncated and garbled input", () => {
    const texts = [qaiText()];
    expectRowsOrParseError(parseRpm, texts);
  });
});
