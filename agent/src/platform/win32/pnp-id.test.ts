import { describe, expect, it } from "vitest";
import { parseDiskInstanceId, parseUsbInstanceId } from "./pnp-id.js";

describe("parseDiskInstanceId", () => {
  it.each([
    [
      "a USB stick's PNPDeviceID",
      "USBSTOR\\DISK&VEN_SANDISK&PROD_CRUZER_BLADE&REV_1.00\\4C530001230514117424&0",
      { bus: "USBSTOR", vendor: "SANDISK", product: "CRUZER BLADE", revision: "1.00", serial: "4C530001230514117424" },
    ],
    [
      "Get-Disk's Path for the same stick (lower case, # separators)",
      "\\\\?\\usbstor#disk&ven_sandisk&prod_cruzer_blade&rev_1.00#4c530001230514117424&0#{53f56307-b6bf-11d0-94f2-00a0c91efb8b}",
      { bus: "USBSTOR", vendor: "sandisk", product: "cruzer blade", revision: "1.00", serial: "4c530001230514117424" },
    ],
    [
      "Get-Disk's UniqueId (host name after a colon)",
      "USBSTOR\\DISK&VEN_SANDISK&PROD_CRUZER_BLADE&REV_1.00\\4C530001230514117424&0:AUTOTEST",
      { bus: "USBSTOR", vendor: "SANDISK", product: "CRUZER BLADE", revision: "1.00", serial: "4C530001230514117424" },
    ],
    [
      "the recorded VMware disk, whose instance id Windows made up (no serial)",
      "SCSI\\DISK&VEN_VMWARE&PROD_VIRTUAL_DISK\\5&1982005&0&000000",
      { bus: "SCSI", vendor: "VMWARE", product: "VIRTUAL DISK" },
    ],
  ])("reads %s", (_what, id, expected) => {
    expect(parseDiskInstanceId(id)).toEqual(expected);
  });

  it("says nothing about ids that are not disks", () => {
    expect(parseDiskInstanceId("USB\\VID_0781&PID_5567\\4C530001230514117424")).toBeUndefined();
    expect(parseDiskInstanceId("")).toBeUndefined();
  });
});

describe("parseUsbInstanceId", () => {
  it("reads vendor and product ids in lower case and the serial", () => {
    expect(parseUsbInstanceId("USB\\VID_0781&PID_5567\\4C530001230514117424")).toEqual({
      vendorId: "0781",
      productId: "5567",
      serial: "4C530001230514117424",
    });
  });

  it("leaves out a serial Windows made up, and reads composite ids", () => {
    expect(parseUsbInstanceId("USB\\VID_090C&PID_1000&MI_00\\6&2A5B7C8&0&0000")).toEqual({ vendorId: "090c", productId: "1000" });
  });
});
