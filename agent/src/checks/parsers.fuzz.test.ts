// Every parser of command output and files, fuzzed with mangled real recordings: it answers or throws a ParseError (the check then says "unknown"), never anything else.
import { existsSync } from "node:fs";
import { describe, it } from "vitest";
import { decodeBinaryPlist } from "../platform/darwin/bplist.js";
import { parseOldStylePlist } from "../platform/darwin/old-style-plist.js";
import { parseXmlPlist } from "../platform/darwin/plist.js";
import { parseStatOwner } from "../platform/darwin/stat.js";
import { parseSystemProfilerText } from "../platform/darwin/system-profiler-text.js";
import { parseLoadedUserHives } from "../platform/win32/user-hives.js";
import { parsePsFormatList } from "../platform/win32/ps-format-list.js";
import { parsePsJson } from "../platform/win32/ps-json.js";
import { parsePsObjects } from "../platform/win32/ps-objects.js";
import { parsePsTable } from "../platform/win32/ps-table.js";
import { parseRegExport } from "../platform/win32/reg-export.js";
import { parseRegQuery } from "../platform/win32/reg-query.js";
import { expectResultOrParseError } from "../testing/fuzz.js";
import { FIXTURES_DIR, fixtureFiles, fixtureText } from "../testing/fixtures.js";
import { parsePasswd } from "./common/parse/passwd.js";
import { parseDconfKeyfile, parseKeyfile } from "./screen-lock/parse/dconf-keyfile.js";
import { parseDconfLocks, parseDconfProfile } from "./screen-lock/parse/dconf-system.js";
import { parseDefaultsRead } from "./screen-lock/parse/defaults.js";
import { parseGsettingsGet, parseGsettingsListRecursively, parseGsettingsWritable } from "./screen-lock/parse/gsettings.js";
import { parseGVariant } from "./screen-lock/parse/gsettings-gvariant.js";
import { parseKConfig } from "./screen-lock/parse/kscreenlockerrc.js";
import { parseLoginctlSessions, parseShowSession } from "./screen-lock/parse/loginctl.js";
import { parsePmsetBatt } from "./screen-lock/parse/pmset-batt.js";
import { parsePmsetSections } from "./screen-lock/parse/pmset.js";
import { parsePowercfgList, parsePowercfgSetting } from "./screen-lock/parse/powercfg.js";
import { parseInactivityTimeout } from "./screen-lock/parse/reg-policies-system.js";
import { parseSysadminctlScreenLock } from "./screen-lock/parse/sysadminctl.js";
import { parseXfconfChannel } from "./screen-lock/parse/xfconf.js";
import { parseXsetQ } from "./screen-lock/parse/xset.js";
import { parseBrewListVersions } from "./software/parse/brew.js";
import { parseDpkg } from "./software/parse/dpkg.js";
import { parseDpkgQuery } from "./software/parse/dpkg-query.js";
import { parseDpkgStatus } from "./software/parse/dpkg-status.js";
import { parseDpkgTable } from "./software/parse/dpkg-table.js";
import { parsePasswdUsers } from "./software/parse/flatpak-users.js";
import { parseFlatpakList } from "./software/parse/flatpak.js";
import { parseInfoPlist } from "./software/parse/info-plist.js";
import { parsePkgutilPkgInfo, parsePkgutilPkgs } from "./software/parse/pkgutil.js";
import { parseUninstallEntries } from "./software/parse/reg-uninstall.js";
import { parseRpmInfo } from "./software/parse/rpm-info.js";
import { parseRpm, parseRpmNevra, parseRpmQuery } from "./software/parse/rpm.js";
import { parseSnapList } from "./software/parse/snap.js";
import { parseSystemProfilerApps } from "./software/parse/system-profiler-apps.js";
import { parseWingetList } from "./software/parse/winget-list.js";
import { parseDiskutilInfo } from "./usb-storage/parse/diskutil-info.js";
import { parseDiskutilList } from "./usb-storage/parse/diskutil-list.js";
import { parseFindmnt } from "./usb-storage/parse/findmnt.js";
import { parseGetDisk } from "./usb-storage/parse/get-disk.js";
import { parseLsblk } from "./usb-storage/parse/lsblk.js";
import { parseLsusb } from "./usb-storage/parse/lsusb.js";
import { parseMountCommand, parseMountListing, parseProcMounts } from "./usb-storage/parse/mounts.js";
import { parseGetPartition } from "./usb-storage/parse/ps-get-partition.js";
import { parseSysfsClass } from "./usb-storage/parse/sysfs.js";
import { parseSystemProfilerUsb } from "./usb-storage/parse/system-profiler-usb.js";
import { parseUdevExportDb, parseUdevRecords } from "./usb-storage/parse/udevadm.js";
import { parseWin32DiskDrive } from "./usb-storage/parse/win32-diskdrive.js";
import { parseUsbStorageFunctions } from "./usb-storage/parse/win32-pnpentity.js";

/** The recorded outputs of these fixture folders (those that exist), as text. */
function seeds(...folders: string[]): string[] {
  const texts = folders
    .filter((f) => existsSync(FIXTURES_DIR + f))
    .flatMap((f) => fixtureFiles(f).map((name) => fixtureText(`${f}/${name}`)));
  // A parser without recordings of its own is fuzzed from neighbouring formats and random text.
  return texts.length > 0 ? texts : ["", "key: value\n", "{}", "[]", "<plist></plist>"];
}

const S = "fuzz";
const bytes = (parse: (b: Buffer, source: string) => unknown) => (text: string) => parse(Buffer.from(text, "latin1"), S);

/** [parser, parse(text), seed folders, cases in the normal run]: every parser the collectors call on text or bytes they read. */
const PARSERS: [string, (text: string) => unknown, string[], number?][] = [
  // Linux: software
  ["parseDpkg", (t) => parseDpkg(t), ["linux/dpkg"]],
  ["parseDpkgQuery", (t) => parseDpkgQuery(t), ["linux/dpkg"]],
  ["parseDpkgStatus", (t) => parseDpkgStatus(t), ["linux/dpkg"]],
  ["parseDpkgTable", (t) => parseDpkgTable(t), ["linux/dpkg"]],
  ["parseRpm", (t) => parseRpm(t), ["linux/rpm"]],
  ["parseRpmQuery", (t) => parseRpmQuery(t), ["linux/rpm"]],
  ["parseRpmInfo", (t) => parseRpmInfo(t), ["linux/rpm"]],
  ["parseRpmNevra", (t) => parseRpmNevra(t), ["linux/rpm"]],
  ["parseSnapList", (t) => parseSnapList(t), ["linux/snap"]],
  ["parseFlatpakList", (t) => parseFlatpakList(t), ["linux/flatpak"]],
  ["parsePasswdUsers", (t) => parsePasswdUsers(t), ["linux/passwd"]],
  // Linux: screen lock
  ["parsePasswd", (t) => parsePasswd(t, S), ["linux/passwd"]],
  ["parseLoginctlSessions", (t) => parseLoginctlSessions(t, S), ["linux/loginctl"]],
  ["parseShowSession", (t) => parseShowSession(t, S), ["linux/loginctl"]],
  ["parseGsettingsGet", (t) => parseGsettingsGet(t, S), ["linux/gsettings"]],
  ["parseGsettingsWritable", (t) => parseGsettingsWritable(t, S), ["linux/gsettings"]],
  ["parseGsettingsListRecursively", (t) => parseGsettingsListRecursively(t, S), ["linux/gsettings"]],
  ["parseGVariant", (t) => parseGVariant(t, S), ["linux/gsettings"]],
  ["parseKConfig", (t) => parseKConfig(t, S), ["linux/kscreenlockerrc"]],
  ["parseKeyfile", (t) => parseKeyfile(t, S), ["linux/dconf"]],
  ["parseDconfKeyfile", (t) => parseDconfKeyfile(t, S), ["linux/dconf"]],
  ["parseDconfProfile", (t) => parseDconfProfile(t, S), ["linux/dconf-system"]],
  ["parseDconfLocks", (t) => parseDconfLocks(t), ["linux/dconf-system"]],
  ["parseXfconfChannel", (t) => parseXfconfChannel(t, S), ["linux/xfce4-screensaver"]],
  ["parseXsetQ", (t) => parseXsetQ(t, S), ["linux/xset"]],
  // Linux: USB storage
  ["parseLsblk", (t) => parseLsblk(t), ["linux/lsblk"]],
  ["parseLsusb", (t) => parseLsusb(t), ["linux/lsusb"]],
  ["parseProcMounts", (t) => parseProcMounts(t), ["linux/mounts"]],
  ["parseMountCommand", (t) => parseMountCommand(t), ["linux/mounts"]],
  ["parseMountListing", (t) => parseMountListing(t), ["linux/mounts"]],
  ["parseFindmnt", (t) => parseFindmnt(t), ["linux/findmnt"]],
  ["parseUdevExportDb", (t) => parseUdevExportDb(t), ["linux/udevadm"]],
  ["parseUdevRecords", (t) => parseUdevRecords(t), ["linux/udevadm"]],
  ["parseSysfsClass", (t) => parseSysfsClass(t, S), ["linux/sysfs"]],
  // macOS
  ["parseBrewListVersions", (t) => parseBrewListVersions(t, S), ["macos/brew"]],
  ["parseDefaultsRead", (t) => parseDefaultsRead(t, t.slice(0, 80), S), ["macos/defaults-screensaver"]],
  ["parseOldStylePlist", (t) => parseOldStylePlist(t, S), ["macos/defaults-screensaver"]],
  ["parseXmlPlist", (t) => parseXmlPlist(t, S), ["macos/diskutil", "macos/info-plist"]],
  ["decodeBinaryPlist", bytes(decodeBinaryPlist), ["macos/info-plist"]],
  ["parseInfoPlist", bytes(parseInfoPlist), ["macos/info-plist"]],
  ["parseDiskutilInfo", (t) => parseDiskutilInfo(t, S), ["macos/diskutil"]],
  ["parseDiskutilList", (t) => parseDiskutilList(t, S), ["macos/diskutil"]],
  ["parsePkgutilPkgs", (t) => parsePkgutilPkgs(t, S), ["macos/pkgutil"]],
  ["parsePkgutilPkgInfo", (t) => parsePkgutilPkgInfo(t, t.slice(0, 80), S), ["macos/pkgutil"]],
  ["parsePmsetSections", (t) => parsePmsetSections(t, S), ["macos/pmset"]],
  ["parsePmsetBatt", (t) => parsePmsetBatt(t, S), ["macos/pmset"]],
  ["parseSysadminctlScreenLock", (t) => parseSysadminctlScreenLock(t, S), ["macos/sysadminctl-screenlock"]],
  // Its recordings are 130-230 KB each: fewer cases in the normal run, FUZZ_RUNS in `npm run fuzz` as for every parser.
  ["parseSystemProfilerApps", (t) => parseSystemProfilerApps(t, S), ["macos/system_profiler-apps"], 200],
  ["parseSystemProfilerUsb", (t) => parseSystemProfilerUsb(t, S), ["macos/system_profiler-usb"]],
  ["parseSystemProfilerText", (t) => parseSystemProfilerText(t, S), ["macos/system_profiler-usb", "macos/system_profiler-apps"]],
  ["parseStatOwner", (t) => parseStatOwner(t, S), ["macos/stat"]],
  // Windows
  ["parseGetDisk", (t) => parseGetDisk(t, S), ["windows/get-disk"]],
  ["parsePowercfgList", (t) => parsePowercfgList(t, S), ["windows/powercfg"]],
  ["parsePowercfgSetting", (t) => parsePowercfgSetting(t, "3c0bc021-c8a8-4e07-a973-6b14cbcb2b7e", S), ["windows/powercfg"]],
  ["parseInactivityTimeout", (t) => parseInactivityTimeout(t, S), ["windows/reg-policies-system"]],
  [
    "parseUninstallEntries",
    (t) => parseUninstallEntries(t, S),
    ["windows/reg-uninstall", "windows/ps-uninstall", "windows/ps-registry-npcap"],
  ],
  ["parseWin32DiskDrive", (t) => parseWin32DiskDrive(t, S), ["windows/win32-diskdrive"]],
  ["parseUsbStorageFunctions", (t) => parseUsbStorageFunctions(t, S), ["windows/win32-pnpentity", "windows/win32-diskdrive"]],
  ["parseGetPartition", (t) => parseGetPartition(t, S), ["windows/get-partition", "windows/get-disk"]],
  ["parseWingetList", (t) => parseWingetList(t, S), ["windows/winget"]],
  ["parseRegQuery", (t) => parseRegQuery(t, S), ["windows/reg-desktop", "windows/reg-hku", "windows/reg-uninstall"]],
  ["parseRegExport", (t) => parseRegExport(t, S), ["windows/reg-uninstall", "windows/reg-desktop"]],
  ["parseLoadedUserHives", (t) => parseLoadedUserHives(t, S), ["windows/reg-hku"]],
  ["parsePsJson", (t) => parsePsJson(t, S), ["windows/get-disk", "windows/win32-diskdrive"]],
  ["parsePsTable", (t) => parsePsTable(t, S), ["windows/ps-uninstall", "windows/get-disk"]],
  ["parsePsFormatList", (t) => parsePsFormatList(t, S), ["windows/ps-registry-npcap", "windows/win32-diskdrive"]],
  ["parsePsObjects", (t) => parsePsObjects(t, S), ["windows/get-disk", "windows/ps-uninstall", "windows/ps-registry-npcap"]],
];

describe("parsers on mangled real output (fuzz)", () => {
  it.each(PARSERS)("%s answers or throws a ParseError", (name, parse, folders, normal) => {
    expectResultOrParseError(`parser ${name}`, parse, seeds(...folders), normal);
  });
});
