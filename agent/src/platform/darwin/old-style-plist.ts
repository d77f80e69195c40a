// The old-style (NeXTSTEP) plist text `defaults read` prints: `{ key = value; }`, `( a, b )`, "quoted" or bare strings.
import { ParseError } from "../../runner/parse-error.js";
import type { PlistDict, PlistValue } from "./plist-value.js";

const BARE = /[A-Za-z0-9_$+/:.-]/;

/**
 * Parses the whole text as one value. Scalars stay strings ("600"): the format does not type them,
 * the caller knows what a key means. Unterminated or trailing input is an error, never a half result.
 */
export function parseOldStylePlist(text: string, source: string): PlistValue {
  const parser = new OldStyleParser(text, source);
  const value = parser.value();
  parser.end();
  return value;
}

class OldStyleParser {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly source: string,
  ) {}

  value(): PlistValue {
    this.skip();
    const c = this.text[this.pos];
    if (c === undefined) return this.fail("expected a value, got the end of the text");
    if (c === "{") return this.dict();
    if (c === "(") return this.array();
    if (c === '"' || c === "'") return this.quoted(c);
    if (c === "<") return this.data();
    if (BARE.test(c)) return this.bare();
    return this.fail(`unexpected ${JSON.stringify(c)}`);
  }

  end(): void {
    this.skip();
    if (this.pos < this.text.length) this.fail(`unexpected ${JSON.stringify(this.text.slice(this.pos, this.pos + 20))} after the value`);
  }

  private dict(): PlistDict {
    this.pos++; // {
    const dict: PlistDict = {};
    for (;;) {
      this.skip();
      const c = this.text[this.pos];
      if (c === undefined) return this.fail("unterminated dictionary (missing '}')");
      if (c === "}") {
        this.pos++;
        return dict;
      }
      const key = c === '"' || c === "'" ? this.quoted(c) : this.bare();
      this.skip();
      this.expect("=");
      let value = this.value();
      // `defaults` prints data as `{length = 4, bytes = 0x01020304 05060708 ... }`: a bare value may run on.
      while (typeof value === "string" && this.nextIsBareOrEllipsis()) value = `${value} ${this.bare()}`;
      Object.defineProperty(dict, key, { value, enumerable: true, writable: true, configurable: true });
      this.skip();
      const sep = this.text[this.pos];
      if (sep === ";" || sep === ",") this.pos++;
      else if (sep !== "}") return this.fail(`expected ';' after the value of ${JSON.stringify(key)}`);
    }
  }

  private array(): PlistValue[] {
    this.pos++; // (
    const items: PlistValue[] = [];
    for (;;) {
      this.skip();
      const c = this.text[this.pos];
      if (c === undefined) return this.fail("unterminated array (missing ')')");
      if (c === ")") {
        this.pos++;
        return items;
      }
      items.push(this.value());
      this.skip();
      const sep = this.text[this.pos];
      if (sep === ",") this.pos++;
      else if (sep !== ")") return this.fail("expected ',' or ')' in an array");
    }
  }

  private quoted(quote: string): string {
    this.pos++;
    let out = "";
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) return this.fail("unterminated quoted string");
      this.pos++;
      if (c === quote) return out;
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = this.text[this.pos];
      if (e === undefined) return this.fail("unterminated escape");
      this.pos++;
      if (e === "U" || e === "u") {
        const hex = /^[0-9a-fA-F]{1,4}/.exec(this.text.slice(this.pos, this.pos + 4))?.[0] ?? "";
        if (hex === "") return this.fail("\\U without hex digits");
        this.pos += hex.length;
        out += String.fromCharCode(parseInt(hex, 16));
      } else if (/[0-7]/.test(e)) {
        const oct = /^[0-7]{0,2}/.exec(this.text.slice(this.pos, this.pos + 2))?.[0] ?? "";
        this.pos += oct.length;
        out += String.fromCharCode(parseInt(e + oct, 8));
      } else {
        out += ESCAPES[e] ?? e;
      }
    }
  }

  private bare(): string {
    const start = this.pos;
    while (this.pos < this.text.length && BARE.test(this.text[this.pos] as string)) this.pos++;
    if (this.pos === start) return this.fail(`expected a key or value, got ${JSON.stringify(this.text[this.pos] ?? "the end")}`);
    return this.text.slice(start, this.pos);
  }

  private data(): string {
    const close = this.text.indexOf(">", this.pos);
    if (close < 0) return this.fail("unterminated <data>");
    const hex = this.text.slice(this.pos + 1, close).replace(/\s+/g, "");
    if (!/^[0-9a-fA-F]*$/.test(hex)) return this.fail("<data> holds non-hex characters");
    this.pos = close + 1;
    return hex;
  }

  private nextIsBareOrEllipsis(): boolean {
    const save = this.pos;
    this.skip();
    const c = this.text[this.pos];
    const more = c !== undefined && BARE.test(c);
    if (!more) this.pos = save;
    return more;
  }

  private expect(c: string): void {
    if (this.text[this.pos] !== c) this.fail(`expected '${c}', got ${JSON.stringify(this.text[this.pos] ?? "the end")}`);
    this.pos++;
  }

  /** Whitespace and the C-style comments the format allows. */
  private skip(): void {
    for (;;) {
      while (this.pos < this.text.length && /\s/.test(this.text[this.pos] as string)) this.pos++;
      if (this.text.startsWith("//", this.pos)) {
        const eol = this.text.indexOf("\n", this.pos);
        this.pos = eol < 0 ? this.text.length : eol + 1;
      } else if (this.text.startsWith("/*", this.pos)) {
        const close = this.text.indexOf("*/", this.pos + 2);
        if (close < 0) this.fail("unterminated comment");
        this.pos = close + 2;
      } else {
        return;
      }
    }
  }

  private fail(detail: string): never {
    const line = this.text.slice(0, this.pos).split("\n").length;
    throw new ParseError(this.source, `line ${line}: ${detail}`);
  }
}

const ESCAPES: Readonly<Record<string, string>> = {
  n: "\n",
  t: "\t",
  r: "\r",
  a: "\x07",
  b: "\b",
  f: "\f",
  v: "\v",
  '"': '"',
  "'": "'",
  "\\": "\\",
};
