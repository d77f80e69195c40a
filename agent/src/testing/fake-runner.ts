// Test support: a runner answering from an in-memory bundle built in the test (the real ReplayRunner underneath).
import { Bundle, type BundleInput, type Platform } from "@wegroup/shared";
import { ReplayRunner } from "../runner/replay.js";

export interface FakeCommand {
  argv: readonly string[];
  stdout?: string | Buffer;
  stderr?: string;
  exitCode?: number;
}

/** A ReplayRunner over the given commands and files; unlisted ones answer "not recorded", as in a real replay. */
export function fakeRunner(
  platform: Platform,
  commands: readonly FakeCommand[],
  files: Readonly<Record<string, string | Buffer>> = {},
): ReplayRunner {
  const input: BundleInput = {
    format: "compliance-bundle/1",
    platform,
    commands: commands.map((c) => ({
      argv: [...c.argv],
      exitCode: c.exitCode ?? 0,
      ...(Buffer.isBuffer(c.stdout) ? { stdout: "", stdoutBase64: c.stdout.toString("base64") } : { stdout: c.stdout ?? "" }),
      stderr: c.stderr ?? "",
    })),
    files: Object.entries(files).map(([path, content]) =>
      Buffer.isBuffer(content) ? { path, contentBase64: content.toString("base64") } : { path, content },
    ),
  };
  return new ReplayRunner(Bundle.parse(input));
}
