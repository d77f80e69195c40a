// The support bundle `collect` writes and `--replay` reads: every command output and file the collectors read.
import { z } from "zod";
import { Platform } from "./checks.js";

export const BUNDLE_FORMAT = "compliance-bundle/1";

export const BundleCommand = z.object({
  argv: z.array(z.string()).min(1),
  exitCode: z.number().int(),
  stdout: z.string().default(""),
  stderr: z.string().default(""),
  /** Raw stdout bytes when they are not UTF-8 (UTF-16 PowerShell output, OEM code pages); wins over `stdout`. */
  stdoutBase64: z.string().optional(),
  stderrBase64: z.string().optional(),
});
export type BundleCommand = z.infer<typeof BundleCommand>;

export const BundleFile = z
  .object({
    path: z.string().min(1),
    content: z.string().optional(),
    contentBase64: z.string().optional(),
  })
  .refine((f) => f.content !== undefined || f.contentBase64 !== undefined, { message: "a file needs content or contentBase64" });
export type BundleFile = z.infer<typeof BundleFile>;

export const Bundle = z.object({
  format: z.literal(BUNDLE_FORMAT),
  platform: Platform,
  hostname: z.string().min(1).default("replayed-device"),
  collectedAt: z.string().default(() => new Date(0).toISOString()),
  commands: z.array(BundleCommand).default([]),
  files: z.array(BundleFile).default([]),
});
export type Bundle = z.infer<typeof Bundle>;
export type BundleInput = z.input<typeof Bundle>;
