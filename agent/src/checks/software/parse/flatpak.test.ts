import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { decodeText } from "../../../runner/decode.js";
import { expectRowsOrParseError } from "../../../testing/fuzz.js";
import { fixture } from "../../../testing/fixtures.js";
import { parseFlatpakList } from "./flatpak.js";

const USER_TABLE = "user-installation-apps-and-runtimes.flatpak-list.txt";
const OLD_DETAILS = "debian-10-flatpak-1.2.5-list-d.txt";
const GLPI_COLUMNS = "flatpak-list-a-columns-application-branch-installation-name.tsv";

describe("flatpak list parser", () => {
  it(`reads ${USER_TABLE}: names and versions with spaces, the whole id, the runtime too`, () => {
    const packages = parseFlatpakList(decodeText(fixture(`linux/flatpak/${USER_TABLE}`)), "flatpak list");
    expect(packages).toEqual([
      { name: "Discord", version: "0.0.71", source: "flatpak", bundleId: "com.discordapp.Discord" },
      { name: "Jellyfin Media Player", version: "1.11.1", source: "flatpak", bundleId: "com.github.iwalton3.jellyfin-media-player" },
      { name: "Flatseal", version: "2.3.0", source: "flatpak", bundleId: "com.github.tchx84.Flatseal" },
      { name: "Bottles", version: "51.15", source: "flatpak", bundleId: "com.usebottles.bottles" },
      { name: "FreeTube", version: "0.21.3 Beta", source: "flatpak", bundleId: "io.freetubeapp.FreeTube" },
      { name: "MeshLab", version: "2023.12", source: "flatpak", bundleId: "net.meshlab.MeshLab" },
      { name: "Freedesktop Platform", version: "freedesktop-sdk-23.08.23", source: "flatpak", bundleId: "org.freedesktop.Platform" },
    ]);
  });

  it(`reads ${OLD_DETAILS}: the ellipsized id is replaced by the one in the Ref column, the Origin cell is found after the branch`, () => {
    const packages = parseFlatpakList(decodeText(fixture(`linux/flatpak/${OLD_DETAILS}`)), "flatpak list -d");
    expect(packages).toEqual([
      {
        name: "PulseEffects",
        version: "4.8.4",
        source: "flatpak",
        bundleId: "com.github.wwmm.pulseeffects",
        arch: "x86_64",
        origin: "flathub",
      },
    ]);
  });

  it(`reads ${GLPI_COLUMNS}: twelve rows of both installations, the ids whole, and no origin where no column holds one`, () => {
    const packages = parseFlatpakList(
      decodeText(fixture(`linux/flatpak/${GLPI_COLUMNS}`)),
      "flatpak list -a --columns=application,branch,installation,name",
    );
    expect(packages).toHaveLength(12);
    expect(packages.map((p) => p.bundleId)).toEqual([
      "com.vscodium.codium",
      "org.freedesktop.Platform.GL.default",
      "org.freedesktop.Platform.GL.default",
      "org.freedesktop.Platform.GL.default",
      "org.freedesktop.Sdk",
      "org.freedesktop.Sdk.Locale",
      "org.gaphor.Gaphor",
      "org.gnome.Platform",
      "org.gnome.Platform",
      "org.gnome.Platform.Locale",
      "org.gnome.Platform.Locale",
      "com.obsproject.Studio",
    ]);
    expect(packages.some((p) => p.origin !== undefined)).toBe(false);
  });

  it("reads the agent's tab-separated columns (application, name, version, branch, arch, origin, installation)", () => {
    const text = [
      "org.wireshark.Wireshark\tWireshark\t4.2.0\tstable\tx86_64\tflathub\tsystem",
      "com.visualstudio.code\tVisual Studio Code\t1.84.2\tstable\tx86_64\tflathub\tuser",
      "org.gnome.Calculator\tCalculator\t\tstable\tx86_64\tfedora\tsystem",
    ].join("\n");
    expect(parseFlatpakList(text)).toEqual([
      { name: "Wireshark", version: "4.2.0", source: "flatpak", bundleId: "org.wireshark.Wireshark", arch: "x86_64", origin: "flathub" },
      {
        name: "Visual Studio Code",
        version: "1.84.2",
        source: "flatpak",
        bundleId: "com.visualstudio.code",
        arch: "x86_64",
        origin: "flathub",
      },
      { name: "Calculator", version: "", source: "flatpak", bundleId: "org.gnome.Calculator", arch: "x86_64", origin: "fedora" },
    ]);
  });

  it("reads the default columns printed with tabs off a tty, and Flatpak 1.0's Ref and Options", () => {
    expect(
      parseFlatpakList(
        "Discord\tcom.discordapp.Discord\t0.0.71\tstable\tuser\nFreeTube\tio.freetubeapp.FreeTube\t0.21.3 Beta\tstable\tuser\n",
      ),
    ).toEqual([
      { name: "Discord", version: "0.0.71", source: "flatpak", bundleId: "com.discordapp.Discord" },
      { name: "FreeTube", version: "0.21.3 Beta", source: "flatpak", bundleId: "io.freetubeapp.FreeTube" },
    ]);
    expect(
      parseFlatpakList("org.gnome.Recipes/x86_64/stable\tsystem,current\nruntime/org.gnome.Platform/x86_64/3.28\tsystem,runtime\n"),
    ).toEqual([
      { name: "Recipes", version: "", source: "flatpak", bundleId: "org.gnome.Recipes", arch: "x86_64" },
      { name: "Platform", version: "", source: "flatpak", bundleId: "org.gnome.Platform", arch: "x86_64", runtime: true },
    ]);
    expect(parseFlatpakList("Ref                              Options\norg.wireshark.Wireshark/x86_64/stable  system,current\n")).toEqual([
      { name: "Wireshark", version: "", source: "flatpak", bundleId: "org.wireshark.Wireshark", arch: "x86_64" },
    ]);
  });

  it("reads a translated table with an empty version cell", () => {
    const text = [
      "Name                   Anwendungskennung         Version      Zweig    Installation",
      "Wireshark              org.wireshark.Wireshark   4.2.0        stable   system",
      "Visual Studio Code     com.visualstudio.code     1.84.2       stable   user",
      "Rechner                org.gnome.Calculator                   stable   system",
    ].join("\n");
    expect(parseFlatpakList(text).map((p) => [p.name, p.bundleId, p.version])).toEqual([
      ["Wireshark", "org.wireshark.Wireshark", "4.2.0"],
      ["Visual Studio Code", "com.visualstudio.code", "1.84.2"],
      ["Rechner", "org.gnome.Calculator", ""],
    ]);
  });

  it("finds the version and name columns by their titles wherever they are", () => {
    const text = [
      "Application ID              Name                 Version   Branch  Arch    Origin   Installation",
      "org.wireshark.Wireshark     Wireshark            4.2.0     stable  x86_64  flathub  system",
      "com.visualstudio.code       Visual Studio Code   1.84.2    stable  x86_64  flathub  user",
    ].join("\n");
    expect(parseFlatpakList(text)).toEqual([
      { name: "Wireshark", version: "4.2.0", source: "flatpak", bundleId: "org.wireshark.Wireshark", origin: "flathub" },
      { name: "Visual Studio Code", version: "1.84.2", source: "flatpak", bundleId: "com.visualstudio.code", origin: "flathub" },
    ]);
  });

  it("reads no applications as an empty list", () => {
    expect(parseFlatpakList("")).toEqual([]);
  });

  it.each([
    ["an error message in a table", "Name   Application ID   Version\nerror: Unknown column: name\n"],
    ["tab rows without ids", "Wireshark\t4.2.0\nfoo\tbar\n"],
    ["a row of garbage", "Name  Application ID  Version\nDiscord  com.discordapp.Discord  0.0.71\n%%%%%%%%\n"],
  ])("throws a ParseError on %s", (_what, text) => {
    expect(() => parseFlatpakList(text)).toThrow(ParseError);
  });

  it("returns rows or throws a ParseError, nothing else, on truncated and garbled input", () => {
    const texts = [USER_TABLE, OLD_DETAILS, GLPI_COLUMNS].map((f) => decodeText(fixture(`linux/flatpak/${f}`)));
    expectRowsOrParseError(parseFlatpakList, texts);
  });
});
