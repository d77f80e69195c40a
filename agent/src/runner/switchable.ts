// A runner whose source can be replaced while the service runs (a replayed bundle that changed on disk).
import type { Platform } from "@wegroup/shared";
import type { CommandOutput, CommandRunner, RunOptions, UsbDeviceDescriptor } from "./runner.js";

export class SwitchableRunner implements CommandRunner {
  /** Present only when the first source has a libusb list (live), so replay keeps "no such source". */
  readonly usbDevices?: () => Promise<UsbDeviceDescriptor[] | undefined>;

  constructor(private current: CommandRunner) {
    if (current.usbDevices !== undefined) this.usbDevices = () => this.current.usbDevices?.() ?? Promise.resolve(undefined);
  }

  get platform(): Platform {
    return this.current.platform;
  }

  replace(next: CommandRunner): void {
    this.current = next;
  }

  run(argv: readonly string[], options?: RunOptions): Promise<CommandOutput> {
    return this.current.run(argv, options);
  }

  readFile(path: string): Promise<Buffer | undefined> {
    return this.current.readFile(path);
  }

  listDir(path: string): Promise<string[] | undefined> {
    return this.current.listDir(path);
  }
}
