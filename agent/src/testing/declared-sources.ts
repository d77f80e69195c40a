// Test support: records every command, file and directory a collector asks for, and checks each against the sources it declares.
import type { Platform } from "@wegroup/shared";
import type { CommandOutput, CommandRunner, RunOptions, UsbDeviceDescriptor } from "../runner/runner.js";
import type { Collector, SourceSpec } from "../checks/types.js";

/** One read, as `sources` would print it. */
export type Read = { kind: "command"; argv: readonly string[] } | { kind: "file"; path: string } | { kind: "directory"; path: string };

/** Placeholders that stand for several arguments at once (every installed package name). */
const MULTI_ARGUMENT = new Set(["{packages}"]);

/** Wraps a runner (the fake one, a replay) and keeps every read, answered or not, in order. */
export class ReadRecorder implements CommandRunner {
  readonly platform: Platform;
  readonly reads: Read[] = [];
  readonly usbDevices?: () => Promise<UsbDeviceDescriptor[] | undefined>;

  constructor(private readonly inner: CommandRunner) {
    this.platform = inner.platform;
    if (inner.usbDevices !== undefined) this.usbDevices = inner.usbDevices.bind(inner);
  }

  run(argv: readonly string[], options?: RunOptions): Promise<CommandOutput> {
    this.reads.push({ kind: "command", argv: [...argv] });
    return this.inner.run(argv, options);
  }

  readFile(path: string): Promise<Buffer | undefined> {
    this.reads.push({ kind: "file", path });
    return this.inner.readFile(path);
  }

  listDir(path: string): Promise<string[] | undefined> {
    this.reads.push({ kind: "directory", path });
    return this.inner.listDir(path);
  }
}

/** The reads no declared source covers, each as a line a person reads. */
export function undeclaredReads(sources: readonly SourceSpec[], reads: readonly Read[]): string[] {
  return reads.filter((read) => !sources.some((spec) => declares(spec, read))).map(describe);
}

/** Whether a source template (placeholders filled by anything) covers a read. */
export function declares(spec: SourceSpec, read: Read): boolean {
  if (spec.kind !== read.kind) return false;
  if (spec.kind === "command" && read.kind === "command") return argvMatches(spec.argv, read.argv);
  return spec.kind !== "command" && read.kind !== "command" && pattern(spec.path).test(read.path);
}

/**
 * Runs the collector through a recorder and fails, naming them, when it read anything its `sources`
 * do not declare. The collector's own outcome is passed on: its facts, or the error it threw.
 */
export async function collectReadingDeclared<F>(collector: Collector<F>, runner: CommandRunner): Promise<F> {
  const recorder = new ReadRecorder(runner);
  let outcome: { facts: F } | { error: unknown };
  try {
    outcome = { facts: await collector.collect(recorder) };
  } catch (error) {
    outcome = { error };
  }
  const undeclared = undeclaredReads(collector.sources, recorder.reads);
  if (undeclared.length > 0)
    throw new Error(`the collector read ${undeclared.length} source(s) its \`sources\` do not declare:\n${undeclared.join("\n")}`);
  if ("error" in outcome) throw outcome.error;
  return outcome.facts;
}

function argvMatches(template: readonly string[], argv: readonly string[]): boolean {
  const [head, ...rest] = template;
  if (head === undefined) return argv.length === 0;
  if (MULTI_ARGUMENT.has(head)) {
    for (let taken = 1; taken <= argv.length; taken++) if (argvMatches(rest, argv.slice(taken))) return true;
    return false;
  }
  const [first, ...others] = argv;
  return first !== undefined && pattern(head).test(first) && argvMatches(rest, others);
}

/** A template as an anchored pattern: each `{name}` stands for any non-empty text. */
function pattern(template: string): RegExp {
  return new RegExp(
    `^${template
      .split(/\{\w+\}/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join(".+")}$`,
    "s",
  );
}

function describe(read: Read): string {
  return read.kind === "command" ? `command ${JSON.stringify(read.argv)}` : `${read.kind} ${read.path}`;
}
