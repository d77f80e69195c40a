import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { decodeText } from "../../../runner/decode.js";
import { expectRowsOrParseError } from "../../../testing/fuzz.js";
import { fixture } from "../../../testing/fixtures.js";
import { parseRpm, sniffRpmFormat } from "./rpm.js";
import { importedKeys, keyFor } from "./rpm-keys.js";

const QAI = "centos-7.7-vm-rpm-qai-trimmed.txt";
const QI_THIRD_PARTY = "centos-7-rpm-qi-15-packages-brave-osquery-third-party.txt";
const QI_FEDORA = "fedora-34-rpm-qi-net-snmp-partial.txt";
const GLPI_MAGEIA = "mageia-rpm-qa-queryformat-vendor.tsv";
const text = (name: string) => decodeText(fixture(`linux/rpm/${name}`));
const qaiText = () => text(QAI);
const CENTOS_KEY = "24c6a8a7f4a80eb5";

describe("rpm parser", () => {
  it(`reads ${QAI}: 308 entries with epoch only where an Epoch line is present`, () => {
    const packages = parseRpm(qaiText(), "rpm -qai");
    expect(sniffRpmFormat(qaiText())).toBe("info");
    expect(packages).toHaveLength(308);
    expect(packages[0]).toEqual({
      name: "make",
      version: "1:3.82-24.el7",
      source: "rpm",
      arch: "x86_64",
      publisher: "CentOS",
      sourcePackage: "make",
      signingKeys: [CENTOS_KEY],
    });
    expect(packages[1]).toEqual({
      name: "kbd-legacy",
      version: "1.15.5-15.el7",
      source: "rpm",
      arch: "noarch",
      publisher: "CentOS",
      sourcePackage: "kbd",
      signingKeys: [CENTOS_KEY],
    });
    expect(packages.filter((p) => /^\d+:/.test(p.version))).toHaveLength(55);
  });

  it(`keeps every instance of repeated names in ${QAI} (kernel, gpg-pubkey)`, () => {
    const packages = parseRpm(qaiText(), "rpm -qai");
    expect(packages.filter((p) => p.name === "kernel").map((p) => p.version)).toEqual(
      expect.arrayContaining(["3.10.0-957.27.2.el7", "3.10.0-957.el7"]),
    );
    expect(packages.filter((p) => p.name === "kernel")).toHaveLength(3);
    // gpg-pubkey has no architecture and no Vendor line; its Description (a PGP block with a "Version:" line) is not read as fields.
    // Their Summary `gpg(<user id>)` names the key.
    expect(packages.filter((p) => p.name === "gpg-pubkey")).toEqual([
      {
        name: "gpg-pubkey",
        version: "352c64e5-52ae6884",
        source: "rpm",
        signingKeys: [],
        keyUserId: "Fedora EPEL (7) <epel@fedoraproject.org>",
      },
      {
        name: "gpg-pubkey",
        version: "f4a80eb5-53a7ff4b",
        source: "rpm",
        signingKeys: [],
        keyUserId: "CentOS-7 Key (CentOS 7 Official Signing Key) <security@centos.org>",
      },
    ]);
  });

  it(`takes the Vendor as publisher in ${QAI}`, () => {
    const publishers = parseRpm(qaiText(), "rpm -qai").map((p) => p.publisher ?? "(none)");
    expect(publishers.filter((p) => p === "CentOS")).toHaveLength(302);
    expect(publishers.filter((p) => p === "Fedora Project")).toHaveLength(4);
    expect(publishers.filter((p) => p === "(none)")).toHaveLength(2);
  });

  it(`reads the signing key and source rpm of every entry of ${QAI}, and finds each key among its gpg-pubkey entries`, () => {
    const packages = parseRpm(qaiText(), "rpm -qai");
    const keys = importedKeys(packages);
    expect(keys).toEqual([
      { id: "352c64e5", userId: "Fedora EPEL (7) <epel@fedoraproject.org>" },
      { id: "f4a80eb5", userId: "CentOS-7 Key (CentOS 7 Official Signing Key) <security@centos.org>" },
    ]);
    const byKey = new Map<string, number>();
    for (const p of packages) for (const k of p.signingKeys ?? []) byKey.set(k, (byKey.get(k) ?? 0) + 1);
    expect(Object.fromEntries(byKey)).toEqual({ [CENTOS_KEY]: 300, "6a2faea2352c64e5": 3, "4eb84e71f2ee9d55": 3 });
    expect(keyFor(keys, CENTOS_KEY)?.userId).toBe("CentOS-7 Key (CentOS 7 Official Signing Key) <security@centos.org>");
    expect(keyFor(keys, "6a2faea2352c64e5")?.userId).toBe("Fedora EPEL (7) <epel@fedoraproject.org>");
    // Software Collections' key (devtoolset-3-*) was not among the kept entries.
    expect(keyFor(keys, "4eb84e71f2ee9d55")).toBeUndefined();
    expect(packages.filter((p) => p.signingKeys?.length === 0).map((p) => p.name)).toEqual(["gpg-pubkey", "gpg-pubkey"]);
    expect(packages.find((p) => p.name === "kernel")?.sourcePackage).toBe("kernel");
    expect(new Set(packages.filter((p) => p.name !== "gpg-pubkey").map((p) => p.sourcePackage)).size).toBe(224);
  });

  it(`reads ${QI_THIRD_PARTY}: 15 records without blank lines between them, third-party vendors and keys`, () => {
    const packages = parseRpm(text(QI_THIRD_PARTY), "rpm -qi");
    expect(sniffRpmFormat(text(QI_THIRD_PARTY))).toBe("info");
    expect(packages).toHaveLength(15);
    expect(packages.filter((p) => p.publisher === "CentOS" && p.signingKeys?.[0] === CENTOS_KEY)).toHaveLength(12);
    expect(packages.find((p) => p.name === "brave-browser")).toEqual({
      name: "brave-browser",
      version: "1.45.133-1",
      source: "rpm",
      arch: "x86_64",
      publisher: "Brave Software, Inc.",
      sourcePackage: "brave-browser",
      signingKeys: ["a8580bdc82d3dc6c"],
    });
    // No Vendor and no Packager line.
    expect(packages.find((p) => p.name === "brave-keyring")).toEqual({
      name: "brave-keyring",
      version: "1.10-1",
      source: "rpm",
      arch: "noarch",
      sourcePackage: "brave-keyring",
      signingKeys: ["a8580bdc82d3dc6c"],
    });
    expect(packages.find((p) => p.name === "osquery")).toMatchObject({
      version: "5.6.0-1.linux",
      publisher: "osquery",
      signingKeys: ["97a80c63c9d8b80b"],
    });
    expect(packages.find((p) => p.name === "bind-libs")).toMatchObject({ version: "32:9.11.4-26.P2.el7_9.10", sourcePackage: "bind" });
    expect(packages.find((p) => p.name === "perf")?.sourcePackage).toBe("kernel");
    expect(packages.filter((p) => p.sourcePackage === "openssl").map((p) => p.name)).toEqual(["openssl", "openssl-libs"]);
  });

  it(`reads ${QI_FEDORA}: Fedora's layout with Epoch, Bug URL and its signing key`, () => {
    expect(parseRpm(text(QI_FEDORA), "rpm -qi net-snmp")).toEqual([
      {
        name: "net-snmp",
        version: "1:5.9.1-4.fc34",
        source: "rpm",
        arch: "x86_64",
        publisher: "Fedora Project",
        sourcePackage: "net-snmp",
        signingKeys: ["1161ae6945719a39"],
      },
    ]);
  });

  it("reads rpm 4.20's signatures on indented lines under an empty Signature label", () => {
    const qi = [
      "Name        : tree",
      "Version     : 2.2.1",
      "Release     : 4.fc44",
      "Architecture: x86_64",
      "Signature   :",
      "              RSA/SHA256, Mon Jan 19 08:40:13 2026, Key ID dbfcf71c6d9f90a6",
      "Source RPM  : tree-pkg-2.2.1-4.fc44.src.rpm",
      "Vendor      : Fedora Project",
      "Summary     : File system tree viewer",
      "Description :",
      "The tree utility recursively displays the contents of directories.",
    ].join("\n");
    expect(parseRpm(qi)).toEqual([
      {
        name: "tree",
        version: "2.2.1-4.fc44",
        source: "rpm",
        arch: "x86_64",
        publisher: "Fedora Project",
        sourcePackage: "tree-pkg",
        signingKeys: ["dbfcf71c6d9f90a6"],
      },
    ]);
  });

  it(`reads ${GLPI_MAGEIA}: glpi-agent's eight columns, vendors as declared, no signature`, () => {
    const packages = parseRpm(text(GLPI_MAGEIA), "rpm -qa --queryformat");
    expect(sniffRpmFormat(text(GLPI_MAGEIA))).toBe("glpi");
    expect(packages).toHaveLength(10);
    expect(packages[0]).toEqual({ name: "libpciaccess0", version: "0.12.1-1.mga1", source: "rpm", arch: "i586", publisher: "Mageia.Org" });
    expect(packages.filter((p) => p.publisher === "Mageia.Org")).toHaveLength(9);
    expect(packages.find((p) => p.name === "perl-Gtk2-ImageView")?.publisher).toBe("Mageia");
    expect(packages.find((p) => p.name === "lib64swresample0")?.version).toBe("0.10.2-2.mga2.tainted");
    expect(packages.some((p) => p.signingKeys !== undefined)).toBe(false);
  });

  it("reads the agent's tab-separated --queryformat with source rpm, signature and summary", () => {
    const text = [
      "make\t1\t3.82\t24.el7\tx86_64\tCentOS\tmake-3.82-24.el7.src.rpm\tRSA/SHA256, Thu 03 Jul 2014 06:39:25 PM MDT, Key ID 24c6a8a7f4a80eb5\tA GNU tool which simplifies the build process for users",
      "gpg-pubkey\t(none)\tf4a80eb5\t53a7ff4b\t(none)\t(none)\t(none)\t(none)\tgpg(CentOS-7 Key (CentOS 7 Official Signing Key) <security@centos.org>)",
      "anydesk\t(none)\t6.3.0\t1\tx86_64\tphilandro Software GmbH\tanydesk-6.3.0-1.src.rpm\t(none)\tThe Fast Remote Desktop Application",
      "",
    ].join("\n");
    expect(sniffRpmFormat(text)).toBe("query");
    expect(parseRpm(text)).toEqual([
      {
        name: "make",
        version: "1:3.82-24.el7",
        source: "rpm",
        arch: "x86_64",
        publisher: "CentOS",
        sourcePackage: "make",
        signingKeys: [CENTOS_KEY],
      },
      {
        name: "gpg-pubkey",
        version: "f4a80eb5-53a7ff4b",
        source: "rpm",
        signingKeys: [],
        keyUserId: "CentOS-7 Key (CentOS 7 Official Signing Key) <security@centos.org>",
      },
      {
        name: "anydesk",
        version: "6.3.0-1",
        source: "rpm",
        arch: "x86_64",
        publisher: "philandro Software GmbH",
        sourcePackage: "anydesk",
        signingKeys: [],
      },
    ]);
  });

  it("reads the agent's earlier six-field --queryformat, with (none) for absent tags", () => {
    const text =
      "make\t1\t3.82\t24.el7\tx86_64\tCentOS\ngpg-pubkey\t(none)\tf4a80eb5\t53a7ff4b\t(none)\t(none)\nnmap\t2\t7.92\t1.el9\tx86_64\tRocky Enterprise Software Foundation\n";
    expect(sniffRpmFormat(text)).toBe("query");
    expect(parseRpm(text)).toEqual([
      { name: "make", version: "1:3.82-24.el7", source: "rpm", arch: "x86_64", publisher: "CentOS" },
      { name: "gpg-pubkey", version: "f4a80eb5-53a7ff4b", source: "rpm" },
      { name: "nmap", version: "2:7.92-1.el9", source: "rpm", arch: "x86_64", publisher: "Rocky Enterprise Software Foundation" },
    ]);
  });

  it("reads plain rpm -qa lines (name-version-release.arch)", () => {
    const text =
      "make-3.82-24.el7.x86_64\ngpg-pubkey-352c64e5-52ae6884\nwireshark-cli-1:3.4.10-1.el9.x86_64\npython3-pip-wheel-21.2.3-6.el9.noarch\n";
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
    const texts = [qaiText(), text(QI_THIRD_PARTY), text(QI_FEDORA), text(GLPI_MAGEIA)];
    expectRowsOrParseError(parseRpm, texts);
  });
});
