// Model, manufacturer, serial number, OS distribution and release: systeminformation's answers, asked through the
// runner (live: system-information.ts answers; replay: the bundle does), cleaned of the placeholders firmware ships.
import { type DeviceFacts, toStorableText } from "@wegroup/shared";
import { runCommand } from "../runner/read-source.js";
import type { CommandRunner } from "../runner/runner.js";
import type { SourceSpec } from "../checks/types.js";

/**
 * The calls, as the bundle records them: a "command" whose stdout is the JSON systeminformation answered. A bundle
 * collected on a laptop carries them; one assembled by hand may add them (or leave them out: the facts are then absent).
 */
export const SI_SYSTEM = ["systeminformation", "system"] as const;
export const SI_OS_INFO = ["systeminformation", "osInfo"] as const;

/** What `sources` lists: the same two answers on every OS. */
export const DEVICE_FACT_SOURCES: readonly SourceSpec[] = [
  {
    kind: "command",
    argv: SI_SYSTEM,
    what: "systeminformation's system() answer as JSON (manufacturer, model, serial), sent in every hello",
    optional: true,
  },
  {
    kind: "command",
    argv: SI_OS_INFO,
    what: "systeminformation's osInfo() answer as JSON (distro, release), sent in every hello",
    optional: true,
  },
];

/** What firmware and VMs put where they know nothing (compared ignoring case and surrounding space). */
const PLACEHOLDERS = new Set(
  [
    "",
    "-",
    "0",
    "none",
    "n/a",
    "na",
    "unknown",
    "default string",
    "to be filled by o.e.m.",
    "system manufacturer",
    "system product name",
    "system serial number",
    "not specified",
    "not applicable",
    "not available",
    "invalid",
    "oem",
    "o.e.m.",
    "0123456789",
    "123456789",
    "chassis serial number",
  ].map((s) => s.toLowerCase()),
);

function fact(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const text = toStorableText(value).trim().replace(/\s+/g, " ");
  if (PLACEHOLDERS.has(text.toLowerCase())) return undefined;
  return text.slice(0, 200);
}

/** systeminformation's `system()` and `osInfo()` answers (any shape: what is not a string is not a fact) as DeviceFacts. */
export function deviceFactsFrom(system: unknown, osInfo: unknown): DeviceFacts {
  const s = (typeof system === "object" && system !== null ? system : {}) as Record<string, unknown>;
  const o = (typeof osInfo === "object" && osInfo !== null ? osInfo : {}) as Record<string, unknown>;
  const facts: DeviceFacts = {};
  const set = (key: keyof DeviceFacts, value: unknown, max = 200): void => {
    const text = fact(value)?.slice(0, max);
    if (text !== undefined) facts[key] = text;
  };
  set("manufacturer", s.manufacturer);
  set("model", s.model);
  set("serial", s.serial);
  set("osDistribution", o.distro);
  set("osRelease", o.release, 100);
  return facts;
}

/** Never fails: a fact that cannot be read is left out (it is asset information, not a check). */
export async function readDeviceFacts(runner: CommandRunner): Promise<DeviceFacts> {
  const answer = async (argv: readonly string[]): Promise<unknown> => {
    const read = await runCommand(runner, argv);
    if (!read.ok || read.value.exitCode !== 0) return undefined;
    try {
      return JSON.parse(read.value.stdout.toString("utf8")) as unknown;
    } catch {
      return undefined;
    }
  };
  return deviceFactsFrom(await answer(SI_SYSTEM), await answer(SI_OS_INFO));
}
