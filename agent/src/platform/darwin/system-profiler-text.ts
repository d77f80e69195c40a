// system_profiler's plain-text form: an indented tree of `Title:` nodes and `Key: value` properties.
import { ParseError } from "../../runner/parse-error.js";

export interface SpTextNode {
  title: string;
  /** Properties in the order printed; a key seen twice keeps its first value. */
  props: Record<string, string>;
  children: SpTextNode[];
  /** 1-based line of the title, for error messages. */
  line: number;
}

/**
 * Builds the tree from indentation alone: a line ending in ":" whose next line is indented deeper is
 * a node (titles may themselves contain ": "), any other line is a property of the node above it.
 * Blank lines carry no meaning (older releases print them between nodes, newer ones do not).
 */
export function parseSystemProfilerText(text: string, source: string): SpTextNode {
  const lines = text
    .split("\n")
    .map((raw, index) => ({ indent: raw.length - raw.trimStart().length, content: raw.trim(), line: index + 1 }))
    .filter((l) => l.content !== "");
  const root: SpTextNode = { title: "", props: {}, children: [], line: 0 };
  const stack: { node: SpTextNode; indent: number }[] = [{ node: root, indent: -1 }];
  /** The property printed on the line before, while a multi-line value may still go on. */
  let last: { line: number; indent: number; node: SpTextNode; key: string | undefined } | undefined;
  lines.forEach((l, i) => {
    const next = lines[i + 1];
    const isTitle = l.content.endsWith(":") && next !== undefined && next.indent > l.indent;
    const colon = l.content.indexOf(": ");
    const [key, value] =
      colon > 0
        ? [l.content.slice(0, colon).trim(), l.content.slice(colon + 2).trim()]
        : l.content.endsWith(":")
          ? [l.content.slice(0, -1).trim(), ""]
          : [];
    const parseable = isTitle || (key !== undefined && key !== "");
    // A value with line breaks (an app's "Get Info String") goes on at column 0 on the very next lines.
    if (!isTitle && last !== undefined && last.line === l.line - 1 && l.indent < last.indent && (!parseable || l.indent === 0)) {
      // Only the first value of a key is kept, so only its continuation lines are added to it.
      if (last.key !== undefined) last.node.props[last.key] += `\n${l.content}`;
      last.line = l.line;
      return;
    }
    if (!parseable)
      throw new ParseError(source, `line ${l.line}: expected "Key: value" or "Title:", got ${JSON.stringify(l.content.slice(0, 80))}`);
    while ((stack[stack.length - 1] as { indent: number }).indent >= l.indent) stack.pop();
    const parent = (stack[stack.length - 1] as { node: SpTextNode }).node;
    if (isTitle) {
      const node: SpTextNode = { title: l.content.slice(0, -1).trim(), props: {}, children: [], line: l.line };
      parent.children.push(node);
      stack.push({ node, indent: l.indent });
      last = undefined;
      return;
    }
    const k = key as string;
    const firstSeen = !Object.hasOwn(parent.props, k);
    if (firstSeen) Object.defineProperty(parent.props, k, { value, enumerable: true, writable: true, configurable: true });
    last = { line: l.line, indent: l.indent, node: parent, key: firstSeen ? k : undefined };
  });
  return root;
}

/** Every node below `node`, depth first, with its parent. */
export function* walkText(node: SpTextNode, parent?: SpTextNode): Generator<{ node: SpTextNode; parent: SpTextNode | undefined }> {
  if (parent !== undefined) yield { node, parent };
  for (const child of node.children) yield* walkText(child, node);
}
