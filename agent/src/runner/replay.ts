// Answers commands and files from a bundle recorded on some machine: the same parsers, any machine.
import type { Bundle, Platform } from "@wegroup/shared";
import { type CommandOutput, type CommandRunner, NotRecordedError } from "./runner.js";

export class ReplayRunner implements CommandRunner {
  readonly platform: Platform;
  private readonly commands = new Map<string, CommandOutput>();
  private readonly files = new Map<string, Buffer>();

  constructor(bundle: Bundle) {
    this.platform = bundle.platform;
    for (const c of bundle.commands) {
      this.commands.set(key(c.argv), {
        argv: c.argv,
        exitCode: c.exitCode,
        stdout: c.stdoutBase64 !== undefined ? Buffer.from(c.stdoutBase64, "base64") : Buffer.from(c.stdout, "utf8"),
        stderr: c.stderrBase64 !== undefined ? Buffer.from(c.stderrBase64, "base64") : Buffer.from(c.stderr, "utf8"),
      });
    }
    for (const f of bundle.files) {
      this.files.set(f.path, f.contentBase64 !== undefined ? Buffer.from(f.contentBase64, "base64") : Buffer.from(f.content ?? "", "utf8"));
    }
  }

  async run(argv: readonly string[]): Promise<CommandOutput> {
    const found = this.commands.get(key(argv));
    if (found === undefined) throw new NotRecordedError(argv.join(" "));
    return found;
  }

  async readFile(path: string): Promise<Buffer | undefined> {
    const found = this.files.get(path);
    if (found === undefined) throw new NotRecordedError(path);
    return found;
  }

  /** A directory is the set of recorded files below it. */
  async listDir(path: string): Promise<string[] | undefined> {
    const prefix = path.endsWith("/") || path.endsWith("\\") ? path : `${path}${this.platform === "win32" ? "\\" : "/"}`;
    const names = new Set<string>();
    for (const filePath of this.files.keys()) {
      if (!filePath.startsWith(prefix)) continue;
      const rest = filePath.slice(prefix.length);
      const name = rest.split(/[/\\]/)[0];
      if (name !== undefined && name !== "") names.add(name);
    }
    if (names.size === 0) throw new NotRecordedError(`${path} (directory)`);
    return [...names].sort();
  }
}

function key(argv: readonly string[]): string {
  return JSON.stringify(argv);
}
