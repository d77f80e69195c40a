// The facts the usb-storage check needs: every USB mass-storage device attached or mounted.

export interface UsbStorageDevice {
  /** 4 lowercase hex digits, when known. */
  vendorId?: string;
  productId?: string;
  serial?: string;
  vendor?: string;
  model?: string;
  /** The OS's name for it: /dev/sdb, disk4, PHYSICALDRIVE2, or the USB path when it has no disk. */
  name: string;
  mountpoints: string[];
  /** Size in bytes when known (an empty card-reader slot has 0 or none). */
  sizeBytes?: number;
  /** A reader built into the laptop (e.g. Realtek USB card reader) rather than a plugged-in device. */
  builtIn?: boolean;
  /**
   * Whether a medium is in it: false for an empty card-reader slot or drive, true when it has a
   * size, partitions or a mount; undefined when no source could tell. A built-in reader with no
   * medium is not a violation.
   */
  mediaPresent?: boolean;
  /** Which source saw it (lsblk, udevadm, system_profiler, Get-Disk, …). */
  source: string;
}

export interface UsbFacts {
  devices: UsbStorageDevice[];
  /** Sources that could not be read here (named in the result so nobody mistakes silence for a pass). */
  missingSources: string[];
}
