// The one door through which collectors see the machine: commands and files, live or replayed.
import type { Platform } from "@wegroup/shared";

export interface CommandOutput {
  argv: readonly string[];
  exitCode: number;
  /** Raw bytes: parsers decode them at their edge (see decode.ts). */
  stdout: Buffer;
  stderr: Buffer;
}

export interface RunOptions {
  /** Kill the command after this many milliseconds (live runner; default 20 s). */
  timeoutMs?: number;
}

export interface CommandRunner {
  readonly platform: Platform;
  /** Runs argv (no shell). A missing executable answers exit code 127, as a shell would. */
  run(argv: readonly string[], options?: RunOptions): Promise<CommandOutput>;
  /** The file's bytes, or undefined when it does not exist. */
  readFile(path: string): Promise<Buffer | undefined>;
  /** Names in a directory, or undefined when it does not exist. */
  listDir(path: string): Promise<string[] | undefined>;
  /**
   * USB devices as libusb sees them (the `usb` package), live only: undefined where it cannot list
   * them (no /dev/bus/usb, no permission, replay). Collectors treat it as one more optional source.
   */
  usbDevices?(): Promise<UsbDeviceDescriptor[] | undefined>;
}

export interface UsbDeviceDescriptor {
  /** 4 lowercase hex digits. */
  vendorId: string;
  productId: string;
  serial?: string;
  manufacturer?: string;
  product?: string;
  /** bInterfaceClass of every interface of the active configuration (8 = mass storage). */
  interfaceClasses: number[];
  busNumber: number;
  portPath: string;
}

/** Exit code of a command whose executable is not on this machine. */
export const COMMAND_NOT_FOUND = 127;

/** Replay was asked for a command or file the bundle does not hold. */
export class NotRecordedError extends Error {
  constructor(readonly what: string) {
    super(`${what}: not recorded`);
    this.name = "NotRecordedError";
  }
}

/** A source the check needs is missing on this machine (or a command failed), so the check cannot tell. */
export class SourceUnavailableError extends Error {
  constructor(
    readonly source: string,
    detail: string,
  ) {
    super(`${source}: ${detail}`);
    this.name = "SourceUnavailableError";
  }
}
