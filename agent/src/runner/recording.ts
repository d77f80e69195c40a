// Wraps the live runner and keeps everything it answered, to write a support bundle (`collect`).
import { BUNDLE_FORMAT, type Bundle, type BundleCommand, type BundleFile, type Platform } from "@wegroup/shared";
import { isValidUtf8 } from "./decode.js";
import type { CommandOutput, CommandRunner, RunOptions } from "./runner.js";

export class RecordingRunner implements CommandRunner {
  readonly platform: Platform;
  private readonly commands = new Map<string, BundleCommand>();
  private readonly files = new Map<string, BundleFile>();

  constructor(private readonly inner: CommandRunner) {
    this.platform = inner.platform;
  }

  async run(argv: readonly string[], options?: RunOptions): Promise<CommandOutput> {
    const out = await this.inner.run(argv, options);
    const command: BundleCommand = { argv: [...argv], exitCode: out.exitCode, stdout: "", stderr: "" };
    if (isValidUtf8(out.stdout)) command.stdout = out.stdout.toString("utf8");
    else command.stdoutBase64 = out.stdout.toString("base64");
    if (isValidUtf8(out.stderr)) command.stderr = out.stderr.toString("utf8");
    else command.stderrBase64 = out.stderr.toString("base64");
    this.commands.set(JSON.stringify(argv), command);
    return out;
  }

  async readFile(path: string): Promise<Buffer | undefined> {
    const content = await this.inner.readFile(path);
    if (content !== undefined) {
      this.files.set(
        path,
        isValidUtf8(content) ? { path, content: content.toString("utf8") } : { path, contentBase64: content.toString("base64") },
      );
    }
    return content;
  }

  listDir(path: string): Promise<string[] | undefined> {
    return this.inner.listDir(path);
  }

  bundle(hostname: string, collectedAt: Date): Bundle {
    return {
      format: BUNDLE_FORMAT,
      platform: this.platform,
      hostname,
      collectedAt: collectedAt.toISOString(),
      commands: [...this.commands.values()],
      files: [...this.files.values()],
    };
  }
}
