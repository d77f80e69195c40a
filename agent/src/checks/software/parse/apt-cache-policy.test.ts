import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { decodeText } from "../../../runner/decode.js";
import { expectRowsOrParseError } from "../../../testing/fuzz.js";
import { fixture } from "../../../testing/fixtures.js";
import { installedOrigin, parseAptCachePolicy, policyLookup, repositoryOrigin } from "./apt-cache-policy.js";

const OUTDATED = "google-chrome-stable-installed-103-candidate-113.txt";
const CURRENT = "google-chrome-stable-installed-equals-candidate.txt";
const text = (name: string) => decodeText(fixture(`linux/apt-cache-policy/${name}`));

describe("apt-cache policy parser on the recorded Chrome answers", () => {
  it(`reads ${CURRENT}: the installed version is offered by Google's repository, so its origin is dl.google.com`, () => {
    const entries = parseAptCachePolicy(text(CURRENT), "apt-cache policy google-chrome-stable");
    expect(entries).toEqual([
      {
        package: "google-chrome-stable",
        installed: "113.0.5672.126-1",
        installedFrom: ["https://dl.google.com/linux/chrome/deb stable/main amd64 Packages", "/var/lib/dpkg/status"],
        inRepository: true,
        newerFrom: [],
      },
    ]);
    expect(installedOrigin(entries[0]!)).toBe("dl.google.com/linux/chrome/deb");
  });

  it(`reads ${OUTDATED}: the installed 103 is known only to the dpkg status file, Google's repository offers 113: an outdated install from there`, () => {
    const [entry] = parseAptCachePolicy(text(OUTDATED));
    expect(entry).toEqual({
      package: "google-chrome-stable",
      installed: "103.0.5060.53-1",
      installedFrom: ["/var/lib/dpkg/status"],
      inRepository: true,
      newerFrom: ["http://dl.google.com/linux/chrome/deb stable/main amd64 Packages"],
    });
    expect(installedOrigin(entry!)).toBe("dl.google.com/linux/chrome/deb");
  });

  it("takes a local build newer than anything a repository offers as local", () => {
    const answer =
      "curl:\n  Installed: 8.9.0-1~mybuild\n  Candidate: 8.9.0-1~mybuild\n  Version table:\n *** 8.9.0-1~mybuild 100\n        100 /var/lib/dpkg/status\n     7.88.1-10+deb12u5 500\n        500 http://deb.debian.org/debian bookworm/main amd64 Packages\n";
    const [entry] = parseAptCachePolicy(answer);
    expect(entry).toMatchObject({ inRepository: true, newerFrom: [] });
    expect(installedOrigin(entry!)).toBe("local");
  });

  it("reads one run over several packages as one entry each, in apt's order", () => {
    const entries = parseAptCachePolicy(`${text(CURRENT)}${text(OUTDATED)}`);
    expect(entries.map((e) => [e.package, e.installed, installedOrigin(e)])).toEqual([
      ["google-chrome-stable", "113.0.5672.126-1", "dl.google.com/linux/chrome/deb"],
      ["google-chrome-stable", "103.0.5060.53-1", "dl.google.com/linux/chrome/deb"],
    ]);
  });
});

describe("apt-cache policy parser on other shapes of the format", () => {
  it("reads foreign-architecture headers, phased versions, a pin line and localized header words", () => {
    const answer = [
      "libc6:",
      "  Installiert:           2.36-9+deb12u4",
      "  Installationskandidat: 2.36-9+deb12u4",
      "  Versionstabelle:",
      " *** 2.36-9+deb12u4 500",
      "        500 http://deb.debian.org/debian bookworm/main amd64 Packages",
      "        100 /var/lib/dpkg/status",
      "libc6:i386:",
      "  Installed: 2.36-9+deb12u4",
      "  Candidate: 2.36-9+deb12u4",
      "  Package pin: 2.36-9+deb12u4",
      "  Version table:",
      " *** 2.36-9+deb12u4 990",
      "        500 http://security.debian.org/debian-security bookworm-security/main i386 Packages",
      "        100 /var/lib/dpkg/status",
      "firefox:",
      "  Installed: 1:120.0+build2-0ubuntu1",
      "  Candidate: 1:121.0+build1-0ubuntu1",
      "  Version table:",
      "     1:121.0+build1-0ubuntu1 500 (phased 10%)",
      "        500 http://archive.ubuntu.com/ubuntu jammy-updates/main amd64 Packages",
      " *** 1:120.0+build2-0ubuntu1 500",
      "        500 http://archive.ubuntu.com/ubuntu/ jammy/main amd64 Packages",
      "        100 /var/lib/dpkg/status",
      "",
    ].join("\n");
    const entries = parseAptCachePolicy(answer);
    expect(entries.map((e) => [e.package, e.installed, installedOrigin(e)])).toEqual([
      ["libc6", "2.36-9+deb12u4", "deb.debian.org/debian"],
      ["libc6:i386", "2.36-9+deb12u4", "security.debian.org/debian-security"],
      ["firefox", "1:120.0+build2-0ubuntu1", "archive.ubuntu.com/ubuntu"],
    ]);
    // dpkg names the native library libc6:amd64; apt prints it as "libc6:".
    const lookup = policyLookup(entries);
    expect(lookup("libc6:amd64", "libc6")?.package).toBe("libc6");
    expect(lookup("libc6:i386", "libc6")?.package).toBe("libc6:i386");
    expect(lookup("nmap", "nmap")).toBeUndefined();
  });

  it("knows a package that no repository offers at all", () => {
    const [entry] = parseAptCachePolicy(
      "anydesk:\n  Installed: 6.3.0\n  Candidate: 6.3.0\n  Version table:\n *** 6.3.0 100\n        100 /var/lib/dpkg/status\n",
    );
    expect(entry).toMatchObject({ installed: "6.3.0", inRepository: false });
    expect(installedOrigin(entry!)).toBe("local");
  });

  it("has no origin for a package apt marks no version of as installed", () => {
    const [entry] = parseAptCachePolicy(
      "nmap:\n  Installed: (none)\n  Candidate: 7.93+dfsg1-1\n  Version table:\n     7.93+dfsg1-1 500\n        500 http://deb.debian.org/debian bookworm/main amd64 Packages\n",
    );
    expect(entry?.installed).toBeUndefined();
    expect(installedOrigin(entry!)).toBeUndefined();
  });

  it.each([
    ["http://deb.debian.org/debian bookworm/main amd64 Packages", "deb.debian.org/debian"],
    ["https://dl.google.com/linux/chrome/deb/ stable/main amd64 Packages", "dl.google.com/linux/chrome/deb"],
    ["https://linux.teamviewer.com/deb stable/main amd64 Packages", "linux.teamviewer.com/deb"],
    ["mirror+file:/etc/apt/mirrors/debian.list bookworm/main amd64 Packages", "/etc/apt/mirrors/debian.list"],
    [
      "cdrom://[Debian GNU/Linux 12.2.0 _Bookworm_ - Official amd64 DVD Binary-1] bookworm/main amd64 Packages",
      "[Debian GNU/Linux 12.2.0 _Bookworm_ - Official amd64 DVD Binary-1]",
    ],
  ])("names the repository %s as %s", (description, origin) => {
    expect(repositoryOrigin(description)).toBe(origin);
  });

  it("reads empty output as no entries", () => {
    expect(parseAptCachePolicy("")).toEqual([]);
  });

  it.each([
    ["an error message", "E: Invalid operation policyy\n"],
    ["a source before any version", "nmap:\n  Installed: 1\n        500 http://deb.debian.org/debian bookworm/main amd64 Packages\n"],
    ["a stray line in the version table", "nmap:\n  Installed: 1\n  Version table:\n *** 1 100\nrandom words here\n"],
  ])("throws a ParseError on %s", (_what, answer) => {
    expect(() => parseAptCachePolicy(answer)).toThrow(ParseError);
  });

  it("returns rows or throws a ParseError, nothing else, on truncated and garbled input", () => {
    expectRowsOrParseError(parseAptCachePolicy, [text(CURRENT), text(OUTDATED)]);
  });
});
