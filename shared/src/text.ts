// Text and numbers every store can hold as sent: no NUL, no lone surrogate, integers that fit a PostgreSQL integer. Used by every boundary schema.
import { z } from "zod";

/** PostgreSQL's `integer` (int4); a larger version or count would fail the database, not the schema. */
export const MAX_INT32 = 2_147_483_647;

/** In a u-mode pattern a surrogate pair is one code point: only an unpaired half matches. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

export const NUL_MESSAGE = "must not contain the NUL character (U+0000)";
export const SURROGATE_MESSAGE = "must be well-formed Unicode: it contains an unpaired UTF-16 surrogate";

/**
 * True when the text can be stored and read back unchanged: PostgreSQL refuses U+0000 in text, and a
 * lone surrogate is turned into U+FFFD on the way to UTF-8 (the stored value then differs from what was
 * sent, and a violation keyed on it would flap).
 */
export function isStorableText(value: string): boolean {
  return !value.includes("\u0000") && !LONE_SURROGATE.test(value);
}

/** The nearest storable text: NUL dropped, each lone surrogate replaced by U+FFFD. For what the agent itself collected. */
export function toStorableText(value: string): string {
  return isStorableText(value) ? value : value.replaceAll("\u0000", "").replace(/[\uD800-\uDFFF]/gu, "\uFFFD");
}

/** A string field of a boundary schema: length bounds plus storable text, each refusal naming what is wrong. */
export function Text(bounds: { min?: number; max: number }) {
  const base = bounds.min === undefined ? z.string() : z.string().min(bounds.min);
  return (
    base
      .max(bounds.max)
      .refine((s) => !s.includes("\u0000"), { message: NUL_MESSAGE })
      .refine((s) => !LONE_SURROGATE.test(s), { message: SURROGATE_MESSAGE })
      // The two refinements in JSON Schema (a u-flag pattern: a surrogate pair is one code point, a lone one is refused).
      .meta({ not: { pattern: "[\\u0000\\ud800-\\udfff]" } })
  );
}

/** A version or count: a whole number from 0 that fits PostgreSQL's integer. */
export const Int32 = z.number().int().min(0).max(MAX_INT32);
