import { describe, expect, it } from "vitest";
import { ParseError } from "../../runner/parse-error.js";
import { fixtureText } from "../../testing/fixtures.js";
import { indirectFallback } from "./indirect-string.js";
import { parsePsFormatList } from "./ps-format-list.js";
import { psInteger, psString } from "./ps-json.js";

describe("parsePsFormatList", () => {
  it("reads en-winserver-vmware-sas-selectstar-excerpt.txt: BusType SAS, empty values empty, ObjectId joined from its wrapped lines", () => {
    const [disk, ...rest] = parsePsFormatList(fixtureText("windows/get-disk/en-winserver-vmware-sas-selectstar-excerpt.txt"), "Get-Disk");
    expect(rest).toEqual([]);
    const p = disk?.properties ?? {};
    expect(p.BusType).toBe("SAS");
    expect(p.OfflineReason).toBe("");
    expect(p.ObjectId).toBe(
      '{1}\\\\AUTOTEST\\root/Microsoft/Windows/Storage/Providers_v2\\WSP_Disk.ObjectId="{fcd77b1a-2dd1-11e9-9101-806e6f6e6963}:DI:\\\\?\\scsi#disk&ven_vmware&prod_virtual_disk#5&1982005&0&000000#{53f56307-b6bf-11d0-94f2-00a0c91efb8b}"',
    );
    expect(p.UniqueId).toBe("SCSI\\DISK&VEN_VMWARE&PROD_VIRTUAL_DISK\\5&1982005&0&000000:autotest");
    expect(p.IsBoot).toBe("True");
    expect(p.Model).toBe("Virtual disk");
  });

  it("reads en-winserver-vmware-scsi-selectstar-excerpt.txt: one SCSI disk, PHYSICALDRIVE0, 53686402560 bytes", () => {
    const records = parsePsFormatList(
      fixtureText("windows/win32-diskdrive/en-winserver-vmware-scsi-selectstar-excerpt.txt"),
      "Win32_DiskDrive",
    );
    expect(records).toHaveLength(1);
    const p = records[0]?.properties ?? {};
    expect(psString(p, "InterfaceType")).toBe("SCSI");
    expect(psString(p, "DeviceID")).toBe("\\\\.\\PHYSICALDRIVE0");
    expect(psInteger(p, "Size", "Win32_DiskDrive")).toBe(53686402560);
    expect(psString(p, "PNPDeviceID")).toBe("SCSI\\DISK&VEN_VMWARE&PROD_VIRTUAL_DISK\\5&1982005&0&000000");
    expect(psString(p, "LastErrorCode")).toBeUndefined();
  });

  it("reads ps-getitemproperty-win10-ent-21h2-excerpt.txt: 13 decimal DWORDs after two empty lines, no InactivityTimeoutSecs", () => {
    const [record] = parsePsFormatList(
      fixtureText("windows/reg-policies-system/ps-getitemproperty-win10-ent-21h2-excerpt.txt"),
      "Get-ItemProperty",
    );
    const p = record?.properties ?? {};
    expect(Object.keys(p)).toHaveLength(13);
    expect(psInteger(p, "EnableLUA", "x")).toBe(0);
    expect(psInteger(p, "ConsentPromptBehaviorAdmin", "x")).toBe(5);
    expect(psInteger(p, "SupportFullTrustStartupTasks", "x")).toBe(1);
    expect(psInteger(p, "InactivityTimeoutSecs", "x")).toBeUndefined();
  });

  it("reads en-npcap-0.9990-diagreport-registry-excerpt.txt: Npcap is installed, its driver service starts at boot", () => {
    const records = parsePsFormatList(
      fixtureText("windows/ps-registry-npcap/en-npcap-0.9990-diagreport-registry-excerpt.txt"),
      "DiagReport",
    );
    expect(records.map((r) => r.section)).toEqual([
      "HKLM:\\SOFTWARE\\WOW6432Node\\Npcap",
      "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\npcap",
    ]);
    const [install, service] = records.map((r) => r.properties);
    expect(install?.["(default)"]).toBe("C:\\Program Files\\Npcap");
    expect(install?.WinPcapCompatible).toBe("0");
    expect(install?.AdminOnly).toBe("0");
    expect(psInteger(service ?? {}, "Start", "x")).toBe(1);
    expect(service?.ImagePath).toBe("\\SystemRoot\\system32\\DRIVERS\\npcap.sys");
    expect(indirectFallback(String(service?.DisplayName))).toBe("Npcap Packet Driver (NPCAP)");
    expect(psInteger(service ?? {}, "DriverMinorVersion", "x")).toBe(45);
  });

  it("keeps an indirect string without a fallback as it is", () => {
    expect(indirectFallback("@%SystemRoot%\\system32\\shell32.dll,-22067")).toBe("@%SystemRoot%\\system32\\shell32.dll,-22067");
    expect(indirectFallback("Plain name")).toBe("Plain name");
  });

  it("joins wrapped lines with a space when asked (text wrapped at its spaces), as is by default (ids cut mid-word)", () => {
    const text = "InstallLocation : C:\\Program\n                  Files\\WindowsApps\\App\n";
    expect(parsePsFormatList(text, "x", { wrapJoin: " " })[0]?.properties.InstallLocation).toBe("C:\\Program Files\\WindowsApps\\App");
    expect(parsePsFormatList(text, "x")[0]?.properties.InstallLocation).toBe("C:\\ProgramFiles\\WindowsApps\\App");
  });

  it("splits several objects at blank lines", () => {
    const records = parsePsFormatList("\n\nA : 1\nB : x\n\nA : 2\nB :\n\n", "x");
    expect(records.map((r) => r.properties)).toEqual([
      { A: "1", B: "x" },
      { A: "2", B: "" },
    ]);
  });

  it.each([
    ["a prompt line", "PS C:\\> Get-Disk\nNumber : 0\n"],
    ["a continuation with nothing before it", "   wrapped text\n"],
    ["JSON", '{"Number":0}'],
    ["a table", "Number Friendly Name\n------ -------------\n0      Disk\n"],
  ])("throws a ParseError for %s", (_what, text) => {
    expect(() => parsePsFormatList(text, "x")).toThrow(ParseError);
  });
});
