// Runs commands and reads files on this very machine.
import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { userInfo } from "node:os";
import type { Platform } from "@wegroup/shared";
import { COMMAND_NOT_FOUND, type CommandOutput, type CommandRunner, type RunOptions, type UsbDeviceDescriptor } from "./runner.js";

const DEFAULT_TIMEOUT_MS = 20_000;
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

export interface LiveRunnerOptions {
  platform: Platform;
  /** Whether this process may switch users (root / SYSTEM). Decides how `runuser -u USER --` prefixes are honoured. */
  privileged: boolean;
  /** The account this process runs as. */
  currentUser: string;
}

export function liveRunnerOptions(platform: Platform): LiveRunnerOptions {
  const info = userInfo();
  return { platform, privileged: platform === "win32" || info.uid === 0, currentUser: info.username };
}

/** Live sources that are not commands or files (the `usb` package's device list). */
export interface LiveDevices {
  usbDevices?: () => Promise<UsbDeviceDescriptor[] | undefined>;
}

export class LiveRunner implements CommandRunner {
  readonly platform: Platform;
  readonly usbDevices?: () => Promise<UsbDeviceDescriptor[] | undefined>;

  constructor(
    private readonly options: LiveRunnerOptions,
    devices: LiveDevices = {},
  ) {
    this.platform = options.platform;
    if (devices.usbDevices !== undefined) this.usbDevices = devices.usbDevices;
  }

  run(argv: readonly string[], options: RunOptions = {}): Promise<CommandOutput> {
    const effective = this.withoutOwnUserSwitch(argv);
    const [file, ...args] = effective;
    if (file === undefined) return Promise.reject(new Error("empty argv"));
    // A fixed, English, UTF-8 environment: parsers read one format (Windows output is decoded at the parser's edge).
    // macOS has no C.UTF-8 locale before 13; en_US.UTF-8 exists on every release.
    const utf8 = this.platform === "darwin" ? "en_US.UTF-8" : "C.UTF-8";
    const env = this.platform === "win32" ? process.env : { ...process.env, LC_ALL: utf8, LANG: utf8, LANGUAGE: "C" };
    return new Promise((resolve) => {
      execFile(
        file,
        args,
        { encoding: "buffer", timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, maxBuffer: MAX_OUTPUT_BYTES, env, windowsHide: true },
        (error, stdout, stderr) => {
          const err = error as (NodeJS.ErrnoException & { code?: string | number; killed?: boolean }) | null;
          if (err !== null && err.code === "ENOENT") {
            resolve({ argv, exitCode: COMMAND_NOT_FOUND, stdout: Buffer.alloc(0), stderr: Buffer.from(`${file}: command not found`) });
            return;
          }
          let exitCode = 0;
          let errText = stderr;
          if (err !== null) {
            exitCode = typeof err.code === "number" ? err.code : 1;
            if (err.killed === true)
              errText = Buffer.concat([stderr, Buffer.from(`\n(killed after ${options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms)`)]);
          }
          resolve({ argv, exitCode, stdout, stderr: errText });
        },
      );
    });
  }

  async readFile(path: string): Promise<Buffer | undefined> {
    try {
      return await readFile(path);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async listDir(path: string): Promise<string[] | undefined> {
    try {
      return (await readdir(path)).sort();
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /**
   * Collectors write per-user commands as `runuser -u USER -- cmd` (the service runs as root). An
   * unprivileged developer running `check` can still read their own session: drop the switch then.
   */
  private withoutOwnUserSwitch(argv: readonly string[]): readonly string[] {
    if (this.options.privileged) return argv;
    const me = this.options.currentUser;
    if (argv[0] === "runuser" && argv[1] === "-u" && argv[3] === "--" && argv[2] === me) return argv.slice(4);
    if (argv[0] === "launchctl" && argv[1] === "asuser" && argv[3] === "sudo" && argv[4] === "-n" && argv[5] === "-u" && argv[6] === me)
      return argv.slice(7);
    if (argv[0] === "sudo" && argv[1] === "-n" && argv[2] === "-H" && argv[3] === "-u" && argv[4] === me) return argv.slice(5);
    return argv;
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR";
}
