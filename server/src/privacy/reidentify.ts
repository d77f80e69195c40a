// An erased user is not identified again by the next report of a device they still use: names in incoming reports are looked up by keyed digest and replaced by their pseudonym.
import { createHmac } from "node:crypto";
import type { ReportFrame } from "@wegroup/shared";
import { erasureKey, pseudonymsOf } from "../store/erased-users.js";
import type { Db } from "../store/schema.js";
import { accountPart, foldName, rewriteDocument, userMatcher } from "./names.js";

/** A keyed digest, so that the table of erased users holds no name (and no plain hash a dictionary would reverse). */
export function nameDigest(key: Buffer, name: string): string {
  return createHmac("sha256", key).update(foldName(name)).digest("hex");
}

/** The user-subject checks name people in their subjects; any check may name one in a home or media folder. */
const HOME_FOLDER = /(?:\/home|\/var\/home|\/Users|\/media|\/run\/media|[A-Za-z]:\\Users|\\Users)[/\\]([^/\\\s"'),;:]+)/giu;

/** The names a report could identify someone by: user subjects (and their account part), and home or media folder names. Pure. */
export function candidateNames(report: ReportFrame): string[] {
  const names = new Set<string>();
  const scan = (text: string): void => {
    for (const m of text.matchAll(HOME_FOLDER)) if (m[1] !== undefined) names.add(m[1]);
  };
  for (const result of report.results) {
    if (result.reason !== undefined) scan(result.reason);
    for (const v of result.violations) {
      if (result.check === "screen-lock") {
        names.add(v.subject);
        names.add(accountPart(v.subject));
      }
      for (const t of [v.message, v.observed, v.expected]) scan(t);
    }
  }
  return [...names].filter((n) => n !== "");
}

/** The report with each erased name (name → pseudonym) replaced as an erasure would have replaced it. Pure. */
export function pseudonymiseReport(report: ReportFrame, erased: ReadonlyMap<string, string>): ReportFrame {
  let doc: unknown = report;
  for (const [name, pseudonym] of erased) doc = rewriteDocument(doc, userMatcher(name), pseudonym).value;
  return doc as ReportFrame;
}

/**
 * Rewrites the reports of a batch before they are stored: one keyed-digest lookup for the names they
 * carry. Runs in the batch's transaction, so an erasure committed before it is honoured.
 */
export class ErasedUserFilter {
  #key: Buffer | undefined;

  async apply(db: Db, reports: readonly ReportFrame[]): Promise<ReportFrame[]> {
    const names = reports.map(candidateNames);
    if (names.every((n) => n.length === 0)) return [...reports];
    this.#key ??= await erasureKey(db);
    const key = this.#key;
    const digests = new Map<string, string>();
    for (const name of names.flat()) digests.set(name, nameDigest(key, name));
    const found = await pseudonymsOf(db, [...digests.values()]);
    if (found.size === 0) return [...reports];
    return reports.map((report, i) => {
      const erased = new Map<string, string>();
      for (const name of names[i] ?? []) {
        const pseudonym = found.get(digests.get(name) ?? "");
        if (pseudonym !== undefined) erased.set(name, pseudonym);
      }
      return erased.size === 0 ? report : pseudonymiseReport(report, erased);
    });
  }
}
