// Stored JSON columns as the erasure reads them: parsed when they are JSON, kept as text when (against expectation) not.

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Stored by this server, so always JSON; should it not be, the text itself is still what is held.
    return text;
  }
}
