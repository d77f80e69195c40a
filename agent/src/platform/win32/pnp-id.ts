// Windows device instance ids: `USBSTOR\DISK&VEN_…&PROD_…&REV_…\<serial>&0` and `USB\VID_xxxx&PID_xxxx\<serial>`.

export interface DiskInstanceId {
  /** The enumerator: USBSTOR for USB mass storage, SCSI for SCSI/SAS/UASP, … (upper case). */
  bus: string;
  /** The SCSI inquiry vendor and product strings, underscores turned back into spaces. */
  vendor: string;
  product: string;
  revision?: string;
  /** The device's own serial number, when it has one (see `ownSerial`). */
  serial?: string;
}

const DISK_ID = /^([A-Z0-9]+)[\\#]DISK&VEN_([^&\\#]*)&PROD_([^&\\#]*)(?:&REV_([^\\#]*))?[\\#]([^\\#:{]+)/i;
const USB_ID = /^USB\\VID_([0-9A-F]{4})&PID_([0-9A-F]{4})(?:&[^\\]*)?\\(.+)$/i;

/**
 * Reads a disk's instance id in any of the shapes Windows prints it: PNPDeviceID
 * (`USBSTOR\DISK&VEN_…\SERIAL&0`), Get-Disk's UniqueId (the same with `:HOSTNAME` after it) and
 * Get-Disk's Path (`\\?\usbstor#disk&ven_…#serial&0#{guid}`, lower case).
 */
export function parseDiskInstanceId(id: string): DiskInstanceId | undefined {
  const match = DISK_ID.exec(id.trim().replace(/^\\\\\?\\/, ""));
  if (match === null) return undefined;
  const revision = match[4] === undefined || match[4] === "" ? undefined : match[4];
  const serial = ownSerial((match[5] as string).replace(/&\d+$/, ""));
  return {
    bus: (match[1] as string).toUpperCase(),
    vendor: scsiText(match[2] as string),
    product: scsiText(match[3] as string),
    ...(revision === undefined ? {} : { revision }),
    ...(serial === undefined ? {} : { serial }),
  };
}

export interface UsbInstanceId {
  /** 4 lowercase hex digits. */
  vendorId: string;
  productId: string;
  serial?: string;
}

/** `USB\VID_0781&PID_5581\4C530001230514117424` → ids and serial. */
export function parseUsbInstanceId(id: string): UsbInstanceId | undefined {
  const match = USB_ID.exec(id.trim());
  if (match === null) return undefined;
  const serial = ownSerial(match[3] as string);
  return {
    vendorId: (match[1] as string).toLowerCase(),
    productId: (match[2] as string).toLowerCase(),
    ...(serial === undefined ? {} : { serial }),
  };
}

/**
 * A device without a serial number gets an instance id Windows makes up (`7&2a5b7c8&0`), which
 * changes from port to port: it is not a serial, so an exception could never name it. Real
 * serials have no `&`.
 */
export function ownSerial(instance: string): string | undefined {
  const text = instance.trim();
  return text === "" || text.includes("&") ? undefined : text;
}

function scsiText(text: string): string {
  return text.replace(/_+/g, " ").trim();
}
