// USB mass-storage functions from `Get-CimInstance Win32_PnPEntity` (Service USBSTOR or UASPStor): their USB vendor/product ids.
import { parsePsObjects } from "../../../platform/win32/ps-objects.js";
import { psString } from "../../../platform/win32/ps-json.js";
import { parseUsbInstanceId, type UsbInstanceId } from "../../../platform/win32/pnp-id.js";

export interface UsbStorageFunction extends UsbInstanceId {
  name?: string;
  service?: string;
}

/**
 * The USB node of a mass-storage device (`USB\VID_0781&PID_5581\<serial>`) carries the ids that
 * policy exceptions name; the disk node (`USBSTOR\DISK&…\<serial>&0`) carries the same serial.
 * Entities that are not USB device nodes are left out.
 */
export function parseUsbStorageFunctions(text: string, source: string): UsbStorageFunction[] {
  return parsePsObjects(text, source).flatMap((item) => {
    const id = psString(item, "PNPDeviceID") ?? psString(item, "DeviceID");
    const parsed = id === undefined ? undefined : parseUsbInstanceId(id);
    if (parsed === undefined) return [];
    const name = psString(item, "Name");
    const service = psString(item, "Service");
    return [{ ...parsed, ...(name === undefined ? {} : { name }), ...(service === undefined ? {} : { service }) }];
  });
}
