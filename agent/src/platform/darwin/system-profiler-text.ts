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
  lines.forEach((l, i) => {
    while ((stack[stack.length - 1] as { indent: number }).indent >= l.indent) stack.pop();
    const parent = (stack[stack.length - 1] as { node: SpTextNode }).node;
    const next = lines[i + 1];
    if (l.content.endsWith(":") && next !== undefined && next.indent > l.indent) {
      const node: SpTextNode = { title: l.content.slice(0, -1).trim(), props: {}, children: [], line: l.line };
      parent.children.push(node);
      stack.push({ node, indent: l.indent });
      return;
    }
    const colon = l.content.indexOf(": ");
    const [key, value] =
      colon > 0 ? [l.content.slice(0, colon).trim(), l.content.slice(colon + 2).trim()] : l.content.endsWith(":") ? [l.content.slice(0, -1).trim(), ""] : [];
    if (key === undefined || key === "") throw new ParseError(source, `line ${l.line}: expected "Key: value" or "Title:", got ${JSON.stringify(l.content.slice(0, 80))}`);
    if (!Object.hasOwn(parent.props, key)) Object.defineProperty(parent.props, key, { value, enumerable: true, writable: true, configurable: true });
  });
  return root;
}

/** Every node below `node`, depth first, with its parent. */
export function* walkText(node: SpTextNode, parent?: SpTextNode): Generator<{ node: SpTextNode; parent: SpTextNode | undefined }> {
  if (parent !== undefined) yield { node, parent };
  for (const child of node.children) yield* walkText(child, node);
}
