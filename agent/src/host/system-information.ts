// Live only: answers the runner's systeminformation "commands" (device-facts.ts) by calling the library, so that
// `collect` records its answers into the bundle like any command and a replay answers them from there.
import type { CommandOutput, CommandRunner, RunOptions } from "../runner/runner.js";
import { SI_OS_INFO, SI_SYSTEM } from "./device-facts.js";

export class SystemInformationRunner implements CommandRunner {
  readonly platform: CommandRunner["platform"];
  readonly usbDevices?: CommandRunner["usbDevices"];

  constructor(private readonly inner: CommandRunner) {
    this.platform = inner.platform;
    if (inner.usbDevices !== undefined) this.usbDevices = () => inner.usbDevices!();
  }

  async run(argv: readonly string[], options?: RunOptions): Promise<CommandOutput> {
    const call = argv.length === 2 && argv[0] === SI_SYSTEM[0] ? argv[1] : undefined;
    if (call !== SI_SYSTEM[1] && call !== SI_OS_INFO[1]) return this.inner.run(argv, options);
    try {
      // Loaded when first asked: most agent commands never need it.
      const si = await import("systeminformation");
      const answer: unknown = call === SI_SYSTEM[1] ? await si.system() : await si.osInfo();
      return { argv, exitCode: 0, stdout: Buffer.from(JSON.stringify(answer)), stderr: Buffer.alloc(0) };
    } catch (error) {
      return { argv, exitCode: 1, stdout: Buffer.alloc(0), stderr: Buffer.from(`systeminformation ${call}: ${(error as Error).message}`) };
    }
  }

  readFile(path: string): Promise<Buffer | undefined> {
    return this.inner.readFile(path);
  }

  listDir(path: string): Promise<string[] | undefined> {
    return this.inner.listDir(path);
  }
}
