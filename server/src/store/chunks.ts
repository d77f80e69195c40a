// Splits bulk statements so that they stay under SQLite's and PostgreSQL's bound-parameter limits.

export function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
