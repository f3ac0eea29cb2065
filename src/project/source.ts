// The project file as parsed YAML, kept with source positions so every message points at a line.
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import { createRequire } from 'node:module';
import type { Document, LineCounter, Node, Pair, YAMLMap } from 'yaml';

/** The yaml library loads only when a position or a full parse is needed: importing it costs as much as reading a 1,000-shot file. */
let yamlLib: typeof import('yaml') | undefined;
const yaml = (): typeof import('yaml') => (yamlLib ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));

export type Path = (string | number)[];

export interface Position {
  line: number;
  col: number;
}

export interface Source {
  text: string;
  /** The yaml library's document and line index, parsed on first use: only positions need them. */
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
  /** Plain data; duplicate keys keep the last value. */
  data: unknown;
}

export interface SyntaxProblem extends Position {
  message: string;
  hint?: string;
  duplicateKey: boolean;
}

/**
 * The common case (a file without errors) is read by js-yaml, several times faster than the yaml
 * library; the yaml library parses it only when a message needs a position, and reads every file
 * js-yaml might read differently or refuses (duplicate keys, tabs, aliases, directives, tags…).
 */
export function parseSource(text: string): { source: Source; problems: SyntaxProblem[] } {
  const data = quickLoad(text);
  if (data !== undefined) {
    let parsed: { doc: Document.Parsed; lines: LineCounter } | undefined;
    const full = () => (parsed ??= parseDocumentOf(text));
    return { source: { text, data, get doc() { return full().doc; }, get lines() { return full().lines; } }, problems: [] };
  }
  return parseFully(text);
}

/**
 * Aliases (expanded copies in the yaml library, shared objects in js-yaml), complex keys, `%`
 * directives, tags, and scalars the two libraries resolve differently (`0b1`, `+.5`, `-0`). A false
 * alarm (a `*` in a prompt) only costs the slower parse.
 */
const QUICK_UNSAFE = /(^|[\s[{,])([*!]|-0+(\.0*)?([eE]\S*)?([\s,\]}]|$))|^\s*\?(\s|$)|^%|0b[01]|\+\.|\u0000|\uFFFD/m;

function quickLoad(text: string): unknown {
  if (QUICK_UNSAFE.test(text)) return undefined;
  try {
    // js-yaml refuses duplicate keys, tabs as indentation and several documents: the full parse reports them.
    const data = loadYaml(text, { schema: CORE_SCHEMA });
    return data === undefined ? null : data;
  } catch {
    return undefined;
  }
}

function parseDocumentOf(text: string): { doc: Document.Parsed; lines: LineCounter } {
  const { LineCounter, parseDocument } = yaml();
  const lines = new LineCounter();
  // prettyErrors off: its messages quote the source line, which could hold a secret.
  // yaml's own duplicate-key check compares every pair with every other (quadratic at 10,000 shots).
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  return { doc, lines };
}

function parseFully(text: string): { source: Source; problems: SyntaxProblem[] } {
  const { doc, lines } = parseDocumentOf(text);
  // A tab used as indentation throws the parser off the structure: every other syntax error it
  // reports then is a consequence of the tab, so only the tab is reported, with the fix.
  const tabs = doc.errors.filter((e) => e.code === 'TAB_AS_INDENT');
  const problems: SyntaxProblem[] = (tabs.length ? tabs : doc.errors).map((e) => ({
    ...lines.linePos(e.pos[0]),
    message: e.code === 'TAB_AS_INDENT' ? 'YAML syntax error: a tab is used as indentation' : `YAML syntax error: ${e.message}`,
    ...(e.code === 'TAB_AS_INDENT' ? { hint: 'indent with spaces only (YAML does not allow tabs there)' } : {}),
    duplicateKey: false,
  }));
  // An alias inside the node its anchor names loads as a cycle, which no walk over the data survives.
  // Anchors are noted as the visit meets them (the last one before an alias is the one it names).
  const anchors = new Map<string, Node>();
  const note = (node: Node) => void (node.anchor && anchors.set(node.anchor, node));
  yaml().visit(doc, {
    Alias(_, alias, path) {
      if (!path.includes(anchors.get(alias.source) as Node)) return;
      const message = `YAML alias \`*${alias.source}\` is inside the node it names (a recursive alias)`;
      problems.push({ ...lines.linePos(alias.range?.[0] ?? 0), message, hint: 'copy the values instead of the alias', duplicateKey: false });
    },
    Scalar: (_, scalar) => note(scalar),
    Seq: (_, seq) => note(seq),
    Map(_, map) {
      note(map);
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
  if (yaml().isScalar(key)) return String(key.value);
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
    if (yaml().isMap(node)) {
      const pair = pairOf(node, String(step));
      if (!pair) return { offset };
      key = yaml().isScalar(pair.key) ? pair.key : undefined;
      offset = key?.range?.[0] ?? offset;
      node = (pair.value as Node | null) ?? undefined;
    } else if (yaml().isSeq(node) && typeof step === 'number' && node.items[step]) {
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
  else if (at === 'value' && node?.range && !(yaml().isScalar(node) && node.value === null)) pos = node.range[0];
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

/** Keys of the map at `path` in file order (plain objects put integer-like keys first, so those need the document). */
export function keysOf(source: Source, path: Path): string[] {
  const value = path.reduce<unknown>((v, step) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[step] : undefined), source.data);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const keys = Object.keys(value);
  if (!keys.some((k) => /^(0|[1-9]\d*)$/.test(k))) return keys;
  const { node } = walk(source, path);
  if (!yaml().isMap(node)) return [];
  return node.items.map((p) => keyText(p.key)).filter((k): k is string => k !== undefined);
}
