import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { decodeText } from "../../../runner/decode.js";
import { expectRowsOrParseError } from "../../../testing/fuzz.js";
import { fixture } from "../../../testing/fixtures.js";
import type { DpkgPackage } from "./dpkg-common.js";
import { parseDpkg, sniffDpkgFormat } from "./dpkg.js";

const DIR = "linux/dpkg/";
const L_TABLE = "debian-12-container-dpkg-l-nmap-tcpdump.txt";
const QUERY_MAINTAINER = "debian-12-container-dpkg-query-name-version-maintainer-nmap-tcpdump.tsv";
const QUERY_STATUS_ARCH = "debian-12-container-dpkg-query-status-arch-source-nmap-tcpdump.tsv";
const STATUS_EXCERPT = "debian-12-container-var-lib-dpkg-status-excerpt-nmap-tcpdump.txt";

const parseFixture = (name: string): DpkgPackage[] => parseDpkg(decodeText(fixture(DIR + name)), name);
const byName = (packages: readonly DpkgPackage[], name: string) => packages.filter((p) => p.name === name);
const nameVersions = (packages: readonly DpkgPackage[]) => packages.map((p) => `${p.name} ${p.version}`).sort();

describe("dpkg parser on the Debian 12 recordings", () => {
  it(`reads ${QUERY_MAINTAINER}: 926 packages, maintainers as publishers`, () => {
    const packages = parseFixture(QUERY_MAINTAINER);
    expect(sniffDpkgFormat(decodeText(fixture(DIR + QUERY_MAINTAINER)))).toBe("query");
    expect(packages).toHaveLength(926);
    expect(byName(packages, "nmap")).toEqual([
      { name: "nmap", version: "7.93+dfsg1-1", source: "dpkg", publisher: "Debian Security Tools <team+pkg-security@tracker.debian.org>" },
    ]);
    expect(byName(packages, "nmap-common")[0]?.version).toBe("7.93+dfsg1-1");
    expect(byName(packages, "tcpdump")).toEqual([
      { name: "tcpdump", version: "4.99.3-1", source: "dpkg", publisher: "Romain Francoise <rfrancoise@debian.org>" },
    ]);
    // Maintainers with spaces, angle brackets and addresses are kept whole.
    expect(byName(packages, "adduser")[0]?.publisher).toBe("Debian Adduser Developers <adduser@packages.debian.org>");
    expect(packages.every((p) => p.publisher !== undefined && /<.+>$/.test(p.publisher))).toBe(true);
    expect(byName(packages, "google-cloud-cli")[0]?.publisher).toBe(
      "Google Cloud CLI Authors <https://code.google.com/p/google-cloud-sdk/>",
    );
    // Sorted by name, as recorded.
    expect(packages.map((p) => p.name)).toEqual([...packages.map((p) => p.name)].sort());
  });

  it(`reads ${QUERY_STATUS_ARCH}: "ii " status, ":amd64" qualifiers, and the \${Source} of every binary package`, () => {
    const packages = parseFixture(QUERY_STATUS_ARCH);
    expect(packages).toHaveLength(926);
    expect(byName(packages, "nmap")).toEqual([{ name: "nmap", version: "7.93+dfsg1-1", source: "dpkg", arch: "amd64" }]);
    // nmap-common is built from the nmap source package: it folds into nmap's title.
    expect(byName(packages, "nmap-common")).toEqual([
      { name: "nmap-common", version: "7.93+dfsg1-1", source: "dpkg", arch: "all", sourcePackage: "nmap" },
    ]);
    expect(byName(packages, "tcpdump")).toEqual([{ name: "tcpdump", version: "4.99.3-1", source: "dpkg", arch: "amd64" }]);
    // A Multi-Arch: same library keeps its qualified name (what apt is asked about) beside the plain one.
    expect(byName(packages, "binutils-common")).toEqual([
      {
        name: "binutils-common",
        version: "2.40-2",
        source: "dpkg",
        arch: "amd64",
        binaryPackage: "binutils-common:amd64",
        sourcePackage: "binutils",
      },
    ]);
    expect(byName(packages, "libc-bin")).toEqual([
      { name: "libc-bin", version: "2.36-9+deb12u14", source: "dpkg", arch: "amd64", sourcePackage: "glibc" },
    ]);
    expect(packages.some((p) => p.name.includes(":"))).toBe(false);
    expect(packages.filter((p) => p.binaryPackage !== undefined)).toHaveLength(479);
    // "bash (5.2.15-2)": the source is bash itself (a binary rebuild), so no other source package is named.
    expect(byName(packages, "bash")).toEqual([{ name: "bash", version: "5.2.15-2+b8", source: "dpkg", arch: "amd64" }]);
    expect(new Set(packages.map((p) => p.sourcePackage ?? p.name)).size).toBe(533);
  });

  it(`reads ${L_TABLE}: 926 "ii" rows under 5 header lines`, () => {
    const packages = parseFixture(L_TABLE);
    expect(sniffDpkgFormat(decodeText(fixture(DIR + L_TABLE)))).toBe("table");
    expect(packages).toHaveLength(926);
    expect(byName(packages, "nmap")).toEqual([{ name: "nmap", version: "7.93+dfsg1-1", source: "dpkg", arch: "amd64" }]);
    expect(byName(packages, "nmap-common")).toEqual([{ name: "nmap-common", version: "7.93+dfsg1-1", source: "dpkg", arch: "all" }]);
    expect(byName(packages, "tcpdump")).toEqual([{ name: "tcpdump", version: "4.99.3-1", source: "dpkg", arch: "amd64" }]);
    expect(byName(packages, "binutils-common")[0]).toMatchObject({ version: "2.40-2", arch: "amd64" });
  });

  it("finds the same 926 names and versions in all three full recordings of the same machine", () => {
    const query = nameVersions(parseFixture(QUERY_MAINTAINER));
    expect(nameVersions(parseFixture(QUERY_STATUS_ARCH))).toEqual(query);
    expect(nameVersions(parseFixture(L_TABLE))).toEqual(query);
  });

  it(`reads ${STATUS_EXCERPT}: 9 stanzas in file order, continuation lines skipped`, () => {
    const packages = parseFixture(STATUS_EXCERPT);
    expect(sniffDpkgFormat(decodeText(fixture(DIR + STATUS_EXCERPT)))).toBe("status");
    expect(packages.map((p) => p.name)).toEqual([
      "adduser",
      "base-files",
      "dconf-gsettings-backend",
      "dpkg",
      "gsettings-desktop-schemas",
      "libpcap0.8",
      "nmap",
      "nmap-common",
      "tcpdump",
    ]);
    expect(byName(packages, "nmap")).toEqual([
      {
        name: "nmap",
        version: "7.93+dfsg1-1",
        source: "dpkg",
        arch: "amd64",
        publisher: "Debian Security Tools <team+pkg-security@tracker.debian.org>",
      },
    ]);
    expect(byName(packages, "tcpdump")[0]).toMatchObject({ version: "4.99.3-1", arch: "amd64" });
    expect(byName(packages, "base-files")[0]?.version).toMatch(/^12/);
    // Source: and Multi-Arch: same give what dpkg-query's \${Source} and \${binary:Package} give.
    expect(byName(packages, "nmap-common")[0]).toMatchObject({ sourcePackage: "nmap" });
    expect(byName(packages, "libpcap0.8")[0]).toMatchObject({ binaryPackage: "libpcap0.8:amd64", sourcePackage: "libpcap" });
    expect(byName(packages, "dconf-gsettings-backend")[0]).toMatchObject({
      binaryPackage: "dconf-gsettings-backend:amd64",
      sourcePackage: "dconf",
    });
    expect(byName(packages, "adduser")[0]?.binaryPackage).toBeUndefined();
  });
});

describe("dpkg parser on other real shapes", () => {
  it("skips rc, un and pn rows of dpkg -l but keeps held and half-installed packages", () => {
    const table = [
      "Desired=Unknown/Install/Remove/Purge/Hold",
      "| Status=Not/Inst/Conf-files/Unpacked/halF-conf/Half-inst/trig-aWait/Trig-pend",
      "|/ Err?=(none)/Reinst-required (Status,Err: uppercase=bad)",
      "||/ Name           Version              Architecture Description",
      "+++-==============-====================-============-=================================",
      "ii  nmap           7.80+dfsg1-2build1   amd64        The Network Mapper",
      "rc  tcpdump        4.9.3-4              amd64        command-line network traffic analyzer",
      "hi  firefox        118.0+build2-0ubuntu amd64        Safe and easy web browser from Mozilla",
      "iU  hydra          9.0-1                amd64        very fast network logon cracker",
      "un  john           <none>               <none>       (no description available)",
      "pn  masscan        <none>               <none>       (no description available)",
      "iHR wireshark-qt   3.2.3-1              amd64        network traffic analyzer - Qt version",
    ].join("\n");
    expect(parseDpkg(table).map((p) => `${p.name} ${p.version} ${p.arch}`)).toEqual([
      "nmap 7.80+dfsg1-2build1 amd64",
      "firefox 118.0+build2-0ubuntu amd64",
      "hydra 9.0-1 amd64",
      "wireshark-qt 3.2.3-1 amd64",
    ]);
  });

  it("reads a localized dpkg -l of an old dpkg without the architecture column", () => {
    const table = [
      "Gewünscht=Unbekannt/Installieren/R=Entfernen/P=Säubern/Halten",
      "| Status=Nicht/Installiert/Config/U=Entpackt/halb konFiguriert/",
      "|/ Fehler?=(kein)/R=Neuinstallation notwendig (Status, Fehler: GROSS=schlecht)",
      "||/ Name                Version             Beschreibung",
      "+++-===================-===================-======================================================",
      "ii  tcpdump             4.1.1-1             A powerful tool for network monitoring and data acquisition",
      "ii  libc6:i386          2.11.3-4            Embedded GNU C Library: Shared libraries",
    ].join("\n");
    expect(parseDpkg(table)).toEqual([
      { name: "tcpdump", version: "4.1.1-1", source: "dpkg" },
      { name: "libc6", version: "2.11.3-4", source: "dpkg", arch: "i386", binaryPackage: "libc6:i386" },
    ]);
  });

  it("falls back to whitespace when a long name pushes a row off the ruler", () => {
    const table = [
      "||/ Name     Version      Architecture Description",
      "+++-========-============-============-===========",
      "ii  linux-image-6.1.0-13-amd64 6.1.55-1 amd64 Linux 6.1 for 64-bit PCs (signed)",
      "ii  nmap     7.93+dfsg1-1 amd64        The Network Mapper",
    ].join("\n");
    expect(parseDpkg(table).map((p) => `${p.name} ${p.version} ${p.arch}`)).toEqual([
      "linux-image-6.1.0-13-amd64 6.1.55-1 amd64",
      "nmap 7.93+dfsg1-1 amd64",
    ]);
  });

  it("reads dpkg-query's default format (binary:Package and Version) and the long ${Status}", () => {
    expect(parseDpkg("adduser\t3.134\nlibc6:amd64\t2.36-9+deb12u4\n")).toEqual([
      { name: "adduser", version: "3.134", source: "dpkg" },
      { name: "libc6", version: "2.36-9+deb12u4", source: "dpkg", arch: "amd64", binaryPackage: "libc6:amd64" },
    ]);
    const long =
      "install ok installed\tnmap\t7.93+dfsg1-1\ndeinstall ok config-files\ttcpdump\t4.99.3-1\nhold ok installed\tfirefox-esr\t115.3.1esr-1~deb12u1\n";
    expect(parseDpkg(long).map((p) => p.name)).toEqual(["nmap", "firefox-esr"]);
  });

  it("skips status stanzas of removed packages", () => {
    const status =
      "Package: nmap\nStatus: deinstall ok config-files\nVersion: 7.93+dfsg1-1\n\nPackage: tcpdump\nStatus: install ok installed\nVersion: 4.99.3-1\nArchitecture: amd64\n";
    expect(parseDpkg(status)).toEqual([{ name: "tcpdump", version: "4.99.3-1", source: "dpkg", arch: "amd64" }]);
  });

  it("reads empty output as no packages", () => {
    expect(parseDpkg("")).toEqual([]);
    expect(parseDpkg("\n\n")).toEqual([]);
  });

  it.each([
    ["garbage", "hello world\nthis is not dpkg\n"],
    ["a truncated tab row", "ii \tadduser\t3.134\tall\nii \tnmap"],
    ["a status stanza without Status", "Package: nmap\nVersion: 7.93\n"],
    ["a status stanza with a broken line", "Package: nmap\nStatus: install ok installed\nthis line has no colon\n"],
    ["a table row that is not a row", "+++-====-====-====-====\nii  nmap 7.93 amd64 x\n<html>oops</html>\n"],
    ["binary junk", "\u0000\u0001\u0002\t\u0003\n\u0004\t\u0005"],
  ])("throws a ParseError on %s", (_what, text) => {
    expect(() => parseDpkg(text, "dpkg-query -W")).toThrow(ParseError);
  });

  it("returns rows or throws a ParseError, nothing else, on truncated and garbled input", () => {
    const texts = [L_TABLE, QUERY_MAINTAINER, QUERY_STATUS_ARCH, STATUS_EXCERPT].map((f) => decodeText(fixture(DIR + f)));
    expectRowsOrParseError(parseDpkg, texts);
  });
});
