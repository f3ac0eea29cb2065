// Writes `pick: N` into the project text for one image node, touching nothing else: the yaml
// Document API finds the node and the byte ranges, and the edit is a splice of those bytes, so
// comments, alignment, quoting and blank lines stay exactly as the user wrote them (re-printing
// the whole document would re-flow them). The result is parsed again and checked before use.
import { isDeepStrictEqual } from 'node:util';
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Pair, type YAMLMap } from 'yaml';
import type { ImageNode } from './types.js';

/** Where a node lives in the file: `references.<name>`, `style`, `shots.<name>`. */
export function nodePath(node: Pick<ImageNode, 'kind' | 'name'>): string[] {
  if (node.kind === 'style') return ['style'];
  return [node.kind === 'reference' ? 'references' : 'shots', node.name];
}

/**
 * Finds, for any image node, the 1-based line to edit to choose a take: its `pick:` line, or
 * the node's own line when it has none. The text is parsed once for every node asked about.
 */
export function pickLocator(text: string): (node: Pick<ImageNode, 'kind' | 'name'>) => { line: number; hasPick: boolean } | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false });
  return (node) => {
    const map = nodeMap(doc, nodePath(node));
    if (!map) return undefined;
    const pick = pairOf(map, 'pick');
    const at = pick ? (pick.key as { range?: [number, number, number] }).range?.[0] : keyOffset(doc, nodePath(node));
    return at === undefined ? undefined : { line: lines.linePos(at).line, hasPick: !!pick };
  };
}

/** The text with the node's `pick` set to `pick`, or undefined when the node's YAML cannot be found. */
export function setPickText(text: string, node: Pick<ImageNode, 'kind' | 'name'>, pick: number): string | undefined {
  const path = nodePath(node);
  const doc = parseDocument(text, { uniqueKeys: false });
  const map = nodeMap(doc, path);
  if (!map) return undefined;
  const edited = splice(text, map, pick);
  return edited !== undefined && onlyPickChanged(doc, edited, path, pick) ? edited : undefined;
}

function splice(text: string, map: YAMLMap, pick: number): string | undefined {
  const existing = pairOf(map, 'pick');
  const valueRange = existing && isScalar(existing.value) ? existing.value.range : undefined;
  if (valueRange) return text.slice(0, valueRange[0]) + String(pick) + text.slice(valueRange[1]);
  if (!map.range) return undefined;
  if (map.flow) {
    const close = text.lastIndexOf('}', map.range[1]);
    if (close < map.range[0]) return undefined;
    return `${text.slice(0, close).trimEnd()}${map.items.length ? ', ' : ''}pick: ${pick}${map.items.length ? ' ' : ''}${text.slice(close)}`;
  }
  // Block map: a new line after the last field, indented like the first key.
  const first = map.items[0]?.key as { range?: [number, number, number] } | undefined;
  const last = map.items[map.items.length - 1];
  const lastEnd = (last?.value as { range?: [number, number, number] } | null)?.range?.[2] ?? (last?.key as { range?: [number, number, number] })?.range?.[2];
  if (!first?.range || lastEnd === undefined) return undefined;
  const indent = first.range[0] - (text.lastIndexOf('\n', first.range[0] - 1) + 1);
  const line = `${' '.repeat(indent)}pick: ${pick}`;
  // A block scalar ends after its newline; anything else ends before the line's newline.
  if (text[lastEnd - 1] === '\n') return `${text.slice(0, lastEnd)}${line}\n${text.slice(lastEnd)}`;
  const eol = text.indexOf('\n', lastEnd);
  const at = eol < 0 ? text.length : eol;
  return `${text.slice(0, at)}\n${line}${text.slice(at)}`;
}

/** The edit is accepted only when the new document is the old one with just this `pick` changed. */
function onlyPickChanged(before: Document, text: string, path: string[], pick: number): boolean {
  const after = parseDocument(text, { uniqueKeys: false });
  if (after.errors.length) return false;
  const expected = before.toJS() as Record<string, unknown>;
  let target: Record<string, unknown> = expected;
  for (const step of path) target = target[step] as Record<string, unknown>;
  target.pick = pick;
  return isDeepStrictEqual(after.toJS(), expected);
}

function nodeMap(doc: Document, path: string[]): YAMLMap | undefined {
  const node = doc.getIn(path, true);
  return isMap(node) ? node : undefined;
}

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => (isScalar(p.key) ? String(p.key.value) : p.key) === key);
}

/** Offset of the key that names the node (`scene_01:`, `style:`). */
function keyOffset(doc: Document, path: string[]): number | undefined {
  const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
  if (!isMap(parent)) return undefined;
  const pair = pairOf(parent, path[path.length - 1]!);
  return (pair?.key as { range?: [number, number, number] } | undefined)?.range?.[0];
}
