// Skips re-reading the software inventory when no package database changed since the last look (live mode).
import { stat } from "node:fs/promises";
import { detached } from "../checks/engine.js";
import type { CheckDefinition, Collector, CollectorLoader } from "../checks/types.js";
import type { CommandRunner } from "../runner/runner.js";

export type Fingerprint = (paths: readonly string[]) => Promise<string>;

export const statFingerprint: Fingerprint = async (paths) => {
  const parts = await Promise.all(
    paths.map((p) =>
      stat(p).then(
        (s) => `${p}:${s.mtimeMs}:${s.size}`,
        () => `${p}:-`,
      ),
    ),
  );
  return parts.join("|");
};

/**
 * Wraps a check so that its collector reuses the last facts while the fingerprint of `paths` is
 * unchanged and they are younger than `maxAgeMs`. Evaluation always runs (a new policy applies at once).
 */
export function withFactCache<F>(
  definition: CheckDefinition<F>,
  paths: readonly string[],
  fingerprint: Fingerprint,
  now: () => number,
  maxAgeMs: number,
): CheckDefinition<F> {
  if (paths.length === 0) return definition;
  let cached: { stamp: string; at: number; facts: F } | undefined;
  const wrap = (collector: Collector<F>): Collector<F> => ({
    sources: collector.sources,
    async collect(runner: CommandRunner): Promise<F> {
      const stamp = await fingerprint(paths);
      if (cached !== undefined && cached.stamp === stamp && now() - cached.at < maxAgeMs) return cached.facts;
      // Kept until a package database changes: a copy that holds no slice of the outputs it was parsed from.
      const facts = detached(await collector.collect(runner));
      cached = { stamp, at: now(), facts };
      return facts;
    },
  });
  const wrapLoader =
    (load: CollectorLoader<F>): CollectorLoader<F> =>
    async () =>
      wrap(await load());
  return {
    ...definition,
    collectors: {
      linux: wrapLoader(definition.collectors.linux),
      darwin: wrapLoader(definition.collectors.darwin),
      win32: wrapLoader(definition.collectors.win32),
    },
  };
}
