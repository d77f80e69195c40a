// What makes the service re-check: intervals, USB hot-plug, mount changes, and a replayed bundle changing on disk.
import { EventEmitter } from "node:events";
import { readFile, stat } from "node:fs/promises";
import { watch, type FSWatcher } from "node:fs";
import type { AgentCheckId } from "@wegroup/shared";
import type { Logger } from "pino";

export interface TriggerEvents {
  /** Re-run these checks now; `why` is for the log. */
  check: [checks: readonly AgentCheckId[] | "all", why: string];
}

export class Triggers extends EventEmitter<TriggerEvents> {
  private readonly stops: (() => void)[] = [];

  constructor(private readonly logger: Logger) {
    super();
  }

  every(seconds: number, checks: readonly AgentCheckId[], why: string): void {
    const timer = setInterval(() => this.emit("check", checks, why), seconds * 1000);
    this.stops.push(() => clearInterval(timer));
  }

  /**
   * USB attach/detach events from the `usb` package (libusb hot-plug). Missing support (no libusb,
   * no /dev/bus/usb, a container) is logged once; the mount watch and the interval still cover USB.
   */
  async usbHotplug(checks: readonly AgentCheckId[], debounceMs: number): Promise<boolean> {
    try {
      const mod = (await import("usb")) as unknown as { usb: EventEmitter };
      const fire = debounce(() => this.emit("check", checks, "USB device attached or detached"), debounceMs);
      mod.usb.on("attach", fire);
      mod.usb.on("detach", fire);
      this.stops.push(() => {
        mod.usb.off("attach", fire);
        mod.usb.off("detach", fire);
        fire.cancel();
      });
      return true;
    } catch (error) {
      this.logger.info(
        { err: (error as Error).message },
        "USB hot-plug events are not available here; relying on the mount watch and the interval",
      );
      return false;
    }
  }

  /** Linux: storage that appears without a USB event (or with libusb missing) still shows in the mount table. */
  watchMounts(path: string, checks: readonly AgentCheckId[], intervalMs: number, debounceMs: number): void {
    let last: string | undefined;
    const fire = debounce(() => this.emit("check", checks, "the mount table changed"), debounceMs);
    const timer = setInterval(() => {
      readFile(path, "utf8").then(
        (text) => {
          if (last !== undefined && text !== last) fire();
          last = text;
        },
        () => undefined,
      );
    }, intervalMs);
    this.stops.push(() => {
      clearInterval(timer);
      fire.cancel();
    });
  }

  /** Replay mode: swapping the bundle file is how a test or a demo "plugs in" a USB stick. */
  watchFile(path: string, debounceMs: number, onChange: () => void): void {
    const fire = debounce(onChange, debounceMs);
    let lastSignature = "";
    const poll = (): void => {
      stat(path).then(
        (s) => {
          const signature = `${s.mtimeMs}:${s.size}:${s.ino}`;
          if (lastSignature !== "" && signature !== lastSignature) fire();
          lastSignature = signature;
        },
        () => undefined,
      );
    };
    poll();
    // fs.watch is instant where it works; the poll catches renames over the file and network filesystems.
    let watcher: FSWatcher | undefined;
    try {
      watcher = watch(path, () => poll());
    } catch {
      watcher = undefined;
    }
    const timer = setInterval(poll, 100);
    this.stops.push(() => {
      watcher?.close();
      clearInterval(timer);
      fire.cancel();
    });
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
  }
}

interface Debounced {
  (): void;
  cancel(): void;
}

function debounce(fn: () => void, ms: number): Debounced {
  let timer: NodeJS.Timeout | undefined;
  const debounced = (() => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      fn();
    }, ms);
  }) as Debounced;
  debounced.cancel = () => {
    if (timer !== undefined) clearTimeout(timer);
  };
  return debounced;
}
