import { describe, expect, it } from "vitest";
import { childElements, ownText, parseXml, XmlError, type XmlElement } from "./xml.js";

function refusal(text: string): XmlError {
  try {
    parseXml(text);
  } catch (error) {
    if (error instanceof XmlError) return error;
    throw error;
  }
  throw new Error(`accepted: ${text}`);
}

describe("parseXml reads", () => {
  it("elements, attributes in both quotes, text and self-closing tags, in document order", () => {
    const root = parseXml(`<?xml version="1.0" encoding="UTF-8"?>\n<a x="1" y='two'>hi<b/>there<c z = "3" >in c</c></a>\n`);
    expect(root.name).toBe("a");
    expect({ ...root.attributes }).toEqual({ x: "1", y: "two" });
    expect(root.children).toEqual([
      "hi",
      { name: "b", attributes: {}, children: [] },
      "there",
      { name: "c", attributes: { z: "3" }, children: ["in c"] },
    ]);
    expect(ownText(root)).toBe("hithere");
    expect(childElements(root).map((e) => e.name)).toEqual(["b", "c"]);
  });

  it("the five predefined entities and decimal and hex character references, in text and attributes", () => {
    const root = parseXml(`<a v="&quot;&#65;&#x42;&apos;">&lt;&gt;&amp;&#233;&#x1F600;</a>`);
    expect(root.attributes.v).toBe(`"AB'`);
    expect(ownText(root)).toBe("<>&é😀");
  });

  it("CDATA as text, unescaped", () => {
    expect(ownText(parseXml("<a>x<![CDATA[<b>&amp;</b>]]>y</a>"))).toBe("x<b>&amp;</b>y");
  });

  it("past comments, processing instructions and a DOCTYPE with an internal subset", () => {
    const text = [
      "\uFEFF<?xml version='1.0'?>",
      "<!-- before -->",
      '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd" [ <!ENTITY e "]>"> ]>',
      "<?pi data?>",
      "<plist><!-- inside --><true/><?pi?></plist>",
      "<!-- after -->",
      "",
    ].join("\n");
    const root = parseXml(text);
    expect(root.name).toBe("plist");
    expect(childElements(root).map((e) => e.name)).toEqual(["true"]);
  });

  it("leading blank lines before the declaration (a command's output can start with them)", () => {
    expect(parseXml("\n\n<?xml version='1.0'?><a/>").name).toBe("a");
  });

  it("attribute values with their whitespace characters normalised to spaces, as XML says", () => {
    expect(parseXml('<a v="x\ty\nz"/>').attributes.v).toBe("x y z");
  });

  it("attributes into a record without a prototype: no name reaches Object.prototype", () => {
    const root = parseXml('<a __proto__="x" constructor="y"/>');
    expect(Object.getPrototypeOf(root.attributes)).toBeNull();
    expect(root.attributes.__proto__).toBe("x");
    expect(root.attributes.constructor).toBe("y");
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it("nesting 50,000 deep without using the call stack", () => {
    const depth = 50_000;
    let element: XmlElement = parseXml(`${"<d>".repeat(depth)}x${"</d>".repeat(depth)}`);
    let seen = 1;
    while (element.children[0] !== undefined && typeof element.children[0] !== "string") {
      element = element.children[0];
      seen++;
    }
    expect(seen).toBe(depth);
    expect(ownText(element)).toBe("x");
  });
});

describe("parseXml refuses what is not well-formed, saying what and on which line", () => {
  it.each([
    ["empty text", "", "no root element", 1],
    ["text only", "garbage", "text before the root element", 1],
    ["an unclosed element", "<a>\n<b>\n</b>", "<a> is not closed", 3],
    ["a mismatched end tag", "<a>\n<b></c></a>", "</c> closes <b>", 2],
    ["a second root", "<a/><b/>", "content after the root element", 1],
    ["text after the root", "<a/>x", "content after the root element", 1],
    ["an unquoted attribute", "<a x=1/>", "attribute x's value is not quoted", 1],
    ["an attribute twice", '<a x="1" x="2"/>', "attribute x twice in <a>", 1],
    ["an attribute without a value", "<a x/>", 'expected "=" after attribute x', 1],
    ["a < in an attribute value", '<a x="<"/>', `"<" in attribute x's value`, 1],
    ["a bare ampersand", "<a>fish & chips</a>", '"&" that starts no reference: "& chips"', 1],
    ["an unknown entity", "<a>\n&nbsp;</a>", "unknown entity &nbsp;", 2],
    ["a reference to no character", "<a>&#0;</a>", "&#0; is not a character", 1],
    ["a malformed character reference", "<a>&#x;</a>", "&#x; is not a character", 1],
    ["an unclosed comment", "<a><!-- x</a>", "a comment is not closed", 1],
    ["an unclosed CDATA section", "<a><![CDATA[x</a>", "a CDATA section is not closed", 1],
    ["an XML declaration in the middle", "<a><?xml version='1.0'?></a>", "an XML declaration that is not at the start", 1],
    ["a processing instruction without a target", '<?"xml version="1.0"?>\n<a/>', "expected a processing instruction's target", 1],
    ["a declaration inside an element", "<a><!ELEMENT x ANY></a>", "a declaration inside an element", 1],
    ["two DOCTYPEs", "<!DOCTYPE a><!DOCTYPE a><a/>", "a second DOCTYPE", 1],
    ["an unclosed DOCTYPE", "<!DOCTYPE a [ <!ENTITY e 'x'>", "the DOCTYPE is not closed", 1],
    ["a start tag cut short", "<a x='1'", "<a is not closed", 1],
    ["a stray character in a start tag", "<a,/>", 'unexpected "," in <a>', 1],
    ["a stray character where an attribute should be", "<a ,/>", "expected an attribute name in <a>", 1],
    ["an element name that is not a name", "<1a/>", "expected an element name", 1],
  ])("%s", (_name, text, reason, line) => {
    const error = refusal(text);
    expect(error.reason).toBe(reason);
    expect(error.line).toBe(line);
    expect(error.message).toBe(`line ${line}: ${reason}`);
  });
});
