import { describe, expect, it } from "vitest";
import { parseUsbStorageFunctions } from "./win32-pnpentity.js";

describe("parseUsbStorageFunctions", () => {
  it("reads USB ids and serial of USB device nodes, leaving other entities out", () => {
    const json = JSON.stringify([
      { PNPDeviceID: "USB\\VID_0781&PID_5567\\4C530001230514117424", Name: "USB Mass Storage Device", Service: "USBSTOR" },
      { PNPDeviceID: "USB\\VID_152D&PID_0578\\6&1D6C3D7A&0&2", Name: "UAS Mass Storage Device", Service: "UASPStor" },
      {
        PNPDeviceID: "USBSTOR\\DISK&VEN_SANDISK&PROD_CRUZER_BLADE&REV_1.00\\4C530001230514117424&0",
        Name: "SanDisk Cruzer Blade USB Device",
        Service: "disk",
      },
    ]);
    expect(parseUsbStorageFunctions(json, "Win32_PnPEntity")).toEqual([
      { vendorId: "0781", productId: "5567", serial: "4C530001230514117424", name: "USB Mass Storage Device", service: "USBSTOR" },
      { vendorId: "152d", productId: "0578", name: "UAS Mass Storage Device", service: "UASPStor" },
    ]);
  });
});
