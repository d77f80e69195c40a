// The `[epoch:]version[-release]` shape that dpkg and rpm versions share.

export interface Evr {
  epoch: number;
  version: string;
  /** Whatever follows the LAST hyphen; undefined when there is no hyphen. */
  release?: string;
}

/** Splits `[epoch:]version[-release]`: the epoch only when the text before the first colon is all digits. */
export function splitEvr(text: string): Evr {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(":");
  let epoch = 0;
  let rest = trimmed;
  if (colon > 0 && /^\d+$/.test(trimmed.slice(0, colon))) {
    epoch = Number.parseInt(trimmed.slice(0, colon), 10);
    rest = trimmed.slice(colon + 1);
  }
  const hyphen = rest.lastIndexOf("-");
  return hyphen >= 0 ? { epoch, version: rest.slice(0, hyphen), release: rest.slice(hyphen + 1) } : { epoch, version: rest };
}
