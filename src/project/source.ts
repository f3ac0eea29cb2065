// The project file as parsed YAML, kept with source positions so every message points at a line.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type Pair, type YAMLMap } from 'yaml';

export type Path = (string | number)[];

export interface Position {
  line: number;
  col: number;
}

export interface Source {
  text: string;
  doc: Document.Parsed;
  lines: LineCounter;
  /** Plain data (toJS); duplicate keys keep the last value. */
  data: unknown;
}

export interface SyntaxProblem extends Position {
  message: string;
  hint?: string;
  duplicateKey: boolean;
}

export function parseSource(text: string): { source: Source; problems: SyntaxProblem[] } {
  const lines = new LineCounter();
  // prettyErrors off: its messages quote the source line, which could hold a secret.
  // yaml's own duplicate-key check compares every pair with every other (quadratic at 10,000 shots).
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  // A tab used as indentation throws the parser off the structure: every other syntax error it
  // reports then is a consequence of the tab, so only the tab is reported, with the fix.
  const tabs = doc.errors.filter((e) => e.code === 'TAB_AS_INDENT');
  const problems: SyntaxProblem[] = (tabs.length ? tabs : doc.errors).map((e) => ({
    ...lines.linePos(e.pos[0]),
    message: e.code === 'TAB_AS_INDENT' ? 'YAML syntax error: a tab is used as indentation' : `YAML syntax error: ${e.message}`,
    ...(e.code === 'TAB_AS_INDENT' ? { hint: 'indent with spaces only (YAML does not allow tabs there)' } : {}),
    duplicateKey: false,
  }));
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const p of map.items) {
        const k = keyText(p.key);
        if (k === undefined) continue;
        if (seen.has(k)) {
          const offset = (p.key as Node).range?.[0] ?? 0;
          problems.push({ ...lines.linePos(offset), message: `duplicate key \`${k}\``, duplicateKey: true });
        }
        seen.add(k);
      }
    },
  });
  if (text.includes('\u0000') || text.startsWith('\uFFFD\uFFFD')) {
    // Raw NUL bytes are not YAML: a UTF-16 file or binary data, which would otherwise read as "not a mapping".
    problems.unshift({ line: 1, col: 1, message: 'not a UTF-8 text file (UTF-16 or binary data?): save the project file as UTF-8', duplicateKey: false });
  }
  const fatal = problems.some((p) => !p.duplicateKey);
  let data: unknown;
  if (!fatal) {
    try {
      data = doc.toJS({ maxAliasCount: 1000 });
    } catch (err) {
      // The alias-expansion guard (a "billion laughs" document) and the like: a clear error, not a crash.
      problems.push({ line: 1, col: 1, message: `YAML cannot be loaded: ${(err as Error).message}`, duplicateKey: false });
    }
  }
  return { source: { text, doc, lines, data }, problems };
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' ? key : undefined;
}

/** Pairs of each map by key text (first one wins), built once: a linear search per lookup made big projects quadratic. */
const pairIndex = new WeakMap<YAMLMap, Map<string, Pair>>();

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  let index = pairIndex.get(map);
  if (!index) {
    index = new Map();
    for (const p of map.items) {
      const k = keyText(p.key);
      if (k !== undefined && !index.has(k)) index.set(k, p);
    }
    pairIndex.set(map, index);
  }
  return index.get(key);
}

/** The YAML node at a path, with the key node of the last map step. */
function walk(source: Source, path: Path): { node?: Node; key?: Node; offset: number } {
  let node = (source.doc.contents as Node | null) ?? undefined;
  let key: Node | undefined;
  let offset = node?.range?.[0] ?? 0;
  for (const step of path) {
    if (isMap(node)) {
      const pair = pairOf(node, String(step));
      if (!pair) return { offset };
      key = isScalar(pair.key) ? pair.key : undefined;
      offset = key?.range?.[0] ?? offset;
      node = (pair.value as Node | null) ?? undefined;
    } else if (isSeq(node) && typeof step === 'number' && node.items[step]) {
      key = undefined;
      node = node.items[step] as Node;
      offset = node.range?.[0] ?? offset;
    } else {
      return { offset };
    }
  }
  return { node, key, offset };
}

/** Position of the key (`at: 'key'`) or the value at `path`; falls back to the nearest enclosing key. */
export function locate(source: Source, path: Path, at: 'key' | 'value' = 'value'): Position {
  const { node, key, offset } = walk(source, path);
  let pos = offset;
  if (at === 'key' && key?.range) pos = key.range[0];
  else if (at === 'value' && node?.range && !(isScalar(node) && node.value === null)) pos = node.range[0];
  return source.lines.linePos(pos);
}

/** Position of `needle` inside the scalar at `path` (for `${var}`), else the scalar itself. */
export function locateText(source: Source, path: Path, needle: string): Position {
  const { node } = walk(source, path);
  if (node?.range) {
    const index = source.text.slice(node.range[0], node.range[1]).indexOf(needle);
    if (index >= 0) return source.lines.linePos(node.range[0] + index);
  }
  return locate(source, path);
}

/** Keys of the map at `path` in file order (plain objects reorder integer-like keys). */
export function keysOf(source: Source, path: Path): string[] {
  const { node } = walk(source, path);
  if (!isMap(node)) return [];
  return node.items.map((p) => keyText(p.key)).filter((k): k is string => k !== undefined);
}
