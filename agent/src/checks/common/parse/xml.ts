// A small, strict XML 1.0 reader for the documents the agent reads: property lists (macOS) and xfconf channels (XFCE).
// Elements, attributes, text, CDATA and the five predefined entities plus character references; comments,
// processing instructions and the DOCTYPE are read past. It refuses what is not well-formed instead of guessing.
// Its own rather than a library's: `plist` (xmldom and xmlbuilder beneath) and `fast-xml-parser`, which it replaced,
// held 2 MB of the idle agent service's resident memory (62.0 -> 60.0 MB replaying demo-mac; `npm run bench -- --only agent`).

export interface XmlElement {
  name: string;
  /** Attribute values with entities decoded; a null-prototype record, so no name reaches Object.prototype. */
  attributes: Record<string, string>;
  /** Child elements and text runs (CDATA included) in document order; comments and PIs are not kept. */
  children: XmlNode[];
}

export type XmlNode = XmlElement | string;

/** Not well-formed: what was wrong, with the 1-based line it was found on. */
export class XmlError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = "XmlError";
  }
}

const NAME = /[A-Za-z_:\u00C0-\uFFFF][-A-Za-z0-9_:.\u00B7\u00C0-\uFFFF]*/y;
const SPACE = /[ \t\r\n]*/y;
const ENTITIES: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/** Parses a whole document and returns its root element; throws XmlError when the text is not well-formed XML. */
export function parseXml(text: string): XmlElement {
  return new Reader(text).document();
}

/** The text content of an element: its text runs joined (child elements' own text is not included). */
export function ownText(element: XmlElement): string {
  let text = "";
  for (const child of element.children) if (typeof child === "string") text += child;
  return text;
}

/** The element children of an element (text runs left out). */
export function childElements(element: XmlElement): XmlElement[] {
  return element.children.filter((child): child is XmlElement => typeof child !== "string");
}

class Reader {
  private at = 0;

  constructor(private readonly text: string) {
    if (text.charCodeAt(0) === 0xfeff) this.at = 1;
  }

  document(): XmlElement {
    // Leading blank lines before the declaration are what a command's output can have; XML says none, it harms nothing.
    this.skipSpace();
    if (this.text.startsWith("<?xml", this.at) && /[ \t\r\n?]/.test(this.text.charAt(this.at + 5)))
      this.skipPast("?>", "the XML declaration");
    let sawDoctype = false;
    for (;;) {
      this.skipSpace();
      if (this.at >= this.text.length) this.fail("no root element");
      if (this.text.startsWith("<!--", this.at)) this.comment();
      else if (this.text.startsWith("<?", this.at)) this.instruction();
      else if (this.text.startsWith("<!DOCTYPE", this.at)) {
        if (sawDoctype) this.fail("a second DOCTYPE");
        sawDoctype = true;
        this.doctype();
      } else if (this.text.charCodeAt(this.at) === 0x3c /* < */) break;
      else this.fail("text before the root element");
    }
    const root = this.element();
    for (;;) {
      this.skipSpace();
      if (this.at >= this.text.length) return root;
      if (this.text.startsWith("<!--", this.at)) this.comment();
      else if (this.text.startsWith("<?", this.at)) this.instruction();
      else this.fail("content after the root element");
    }
  }

  /** The element at `at` (which is on its "<") with all its content; iterative, so nesting depth costs no stack. */
  private element(): XmlElement {
    const root = this.startTag();
    if (root.selfClosing) return root.element;
    const open: XmlElement[] = [root.element];
    while (open.length > 0) {
      const current = open[open.length - 1] as XmlElement;
      const lt = this.text.indexOf("<", this.at);
      if (lt < 0) {
        this.at = this.text.length;
        this.fail(`<${current.name}> is not closed`);
      }
      if (lt > this.at) current.children.push(this.decode(this.text.slice(this.at, lt), this.at));
      this.at = lt;
      if (this.text.startsWith("</", lt)) {
        this.at += 2;
        const name = this.name("an end tag's name");
        this.skipSpace();
        this.expect(">", `</${name}`);
        if (name !== current.name) {
          this.at = lt;
          this.fail(`</${name}> closes <${current.name}>`);
        }
        open.pop();
      } else if (this.text.startsWith("<!--", lt)) this.comment();
      else if (this.text.startsWith("<![CDATA[", lt)) {
        const end = this.text.indexOf("]]>", lt + 9);
        if (end < 0) this.fail("a CDATA section is not closed");
        current.children.push(this.text.slice(lt + 9, end));
        this.at = end + 3;
      } else if (this.text.startsWith("<?", lt)) this.instruction();
      else if (this.text.startsWith("<!", lt)) this.fail("a declaration inside an element");
      else {
        const child = this.startTag();
        current.children.push(child.element);
        if (!child.selfClosing) open.push(child.element);
      }
    }
    return root.element;
  }

  private startTag(): { element: XmlElement; selfClosing: boolean } {
    this.at++; // "<"
    const name = this.name("an element name");
    const attributes: Record<string, string> = Object.create(null) as Record<string, string>;
    for (;;) {
      const before = this.at;
      this.skipSpace();
      const c = this.text.charAt(this.at);
      if (c === ">") {
        this.at++;
        return { element: { name, attributes, children: [] }, selfClosing: false };
      }
      if (c === "/") {
        this.at++;
        this.expect(">", `<${name} … /`);
        return { element: { name, attributes, children: [] }, selfClosing: true };
      }
      if (this.at === before) this.fail(c === "" ? `<${name} is not closed` : `unexpected ${JSON.stringify(c)} in <${name}>`);
      const attribute = this.name(`an attribute name in <${name}>`);
      if (Object.hasOwn(attributes, attribute)) this.fail(`attribute ${attribute} twice in <${name}>`);
      this.skipSpace();
      this.expect("=", `attribute ${attribute}`);
      this.skipSpace();
      const quote = this.text.charAt(this.at);
      if (quote !== '"' && quote !== "'") this.fail(`attribute ${attribute}'s value is not quoted`);
      const end = this.text.indexOf(quote, this.at + 1);
      if (end < 0) this.fail(`attribute ${attribute}'s value is not closed`);
      const raw = this.text.slice(this.at + 1, end);
      if (raw.includes("<")) this.fail(`"<" in attribute ${attribute}'s value`);
      attributes[attribute] = this.decode(raw, this.at + 1).replace(/[\t\r\n]/g, " ");
      this.at = end + 1;
    }
  }

  /** Text with its references replaced; a "&" that starts no known reference is an error, as XML says. */
  private decode(raw: string, offset: number): string {
    if (!raw.includes("&")) return raw;
    return raw.replace(/&([^;&<]*)(;?)/g, (whole, ref: string, semi: string, index: number) => {
      const fail = (reason: string): never => {
        this.at = offset + index;
        return this.fail(reason);
      };
      if (semi === "") return fail(`"&" that starts no reference: ${JSON.stringify(whole.slice(0, 12))}`);
      if (ref.startsWith("#")) {
        const code = /^#x[0-9A-Fa-f]+$/.test(ref) ? parseInt(ref.slice(2), 16) : /^#[0-9]+$/.test(ref) ? parseInt(ref.slice(1), 10) : NaN;
        if (!isXmlChar(code)) return fail(`&${ref}; is not a character`);
        return String.fromCodePoint(code);
      }
      const entity = Object.hasOwn(ENTITIES, ref) ? ENTITIES[ref] : undefined;
      return entity ?? fail(`unknown entity &${ref};`);
    });
  }

  private name(what: string): string {
    NAME.lastIndex = this.at;
    const match = NAME.exec(this.text);
    if (match === null) this.fail(`expected ${what}`);
    this.at = NAME.lastIndex;
    return match[0];
  }

  private comment(): void {
    const end = this.text.indexOf("-->", this.at + 4);
    if (end < 0) this.fail("a comment is not closed");
    this.at = end + 3;
  }

  private instruction(): void {
    this.at += 2;
    const target = this.name("a processing instruction's target");
    if (target.toLowerCase() === "xml") this.fail("an XML declaration that is not at the start");
    this.skipPast("?>", `<?${target}`);
  }

  /** `<!DOCTYPE name …>`, an internal subset in brackets included (read past, not interpreted). */
  private doctype(): void {
    this.at += 9;
    let depth = 0;
    while (this.at < this.text.length) {
      const c = this.text.charAt(this.at);
      if (c === '"' || c === "'") {
        const end = this.text.indexOf(c, this.at + 1);
        if (end < 0) break;
        this.at = end + 1;
        continue;
      }
      this.at++;
      if (c === "[") depth++;
      else if (c === "]") depth--;
      else if (c === ">" && depth <= 0) return;
    }
    this.fail("the DOCTYPE is not closed");
  }

  private skipPast(end: string, what: string): void {
    const at = this.text.indexOf(end, this.at);
    if (at < 0) this.fail(`${what} is not closed`);
    this.at = at + end.length;
  }

  private skipSpace(): void {
    SPACE.lastIndex = this.at;
    SPACE.exec(this.text);
    this.at = SPACE.lastIndex;
  }

  private expect(token: string, after: string): void {
    if (!this.text.startsWith(token, this.at)) this.fail(`expected "${token}" after ${after}`);
    this.at += token.length;
  }

  private fail(reason: string): never {
    let line = 1;
    for (let i = this.text.indexOf("\n"); i >= 0 && i < this.at; i = this.text.indexOf("\n", i + 1)) line++;
    throw new XmlError(reason, line);
  }
}

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}
