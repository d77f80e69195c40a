// Certificate subjects as .NET prints them (`CN=…, O=…, L=…`): the signer and publisher names an identity is built from.

export interface RdnAttribute {
  /** Upper-case attribute type: CN, O, OU, L, S, C, E, … */
  type: string;
  value: string;
}

/**
 * `X500DistinguishedName.Name` order and syntax: attributes separated by `, `, a value that holds
 * a comma or a quote is written in double quotes with inner quotes doubled
 * (`O="WeGroup, Inc."`). A part without `=` (text that is not a DN) makes the whole answer empty.
 */
export function parseDistinguishedName(dn: string): RdnAttribute[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < dn.length; i++) {
    const char = dn[i] as string;
    if (char === '"') {
      if (quoted && dn[i + 1] === '"') {
        current += '""';
        i++;
        continue;
      }
      quoted = !quoted;
      current += char;
    } else if ((char === "," || char === ";") && !quoted) {
      parts.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  parts.push(current);
  const attributes: RdnAttribute[] = [];
  for (const part of parts) {
    const trimmed = part.trim();
    if (trimmed === "") continue;
    const eq = trimmed.indexOf("=");
    if (eq <= 0) return [];
    attributes.push({ type: trimmed.slice(0, eq).trim().toUpperCase(), value: unquote(trimmed.slice(eq + 1).trim()) });
  }
  return attributes;
}

/** The first value of that attribute type (CN, O, …), or undefined. */
export function dnAttribute(dn: string, type: string): string | undefined {
  const wanted = type.toUpperCase();
  const value = parseDistinguishedName(dn).find((a) => a.type === wanted)?.value;
  return value === undefined || value === "" ? undefined : value;
}

/** The organisation a subject names: O=, else CN= (individual developers' certificates often have no O). */
export function dnOrganisation(dn: string): string | undefined {
  return dnAttribute(dn, "O") ?? dnAttribute(dn, "CN");
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1).replace(/""/g, '"') : value;
}
