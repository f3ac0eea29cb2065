// Fuzz cases: project files made by mutating valid ones. Case `i` of seed `s` is always the same
// text (a PRNG seeded from both), so a failure is reproduced from the two numbers alone.
// Mutations work on the YAML document tree (drop, duplicate and retype fields, rename keys to
// names JavaScript objects already carry, huge numbers, deep nesting, unicode, ratio strings,
// references to missing nodes, cycles, aliases), then sometimes on the bytes of the text.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Alias, isMap, isNode, isPair, isScalar, isSeq, parseDocument, Scalar, YAMLMap, YAMLSeq, type Document, type Node, type Pair } from 'yaml';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** xorshift32 on a seed and a case index mixed by splitmix32: independent, reproducible streams. */
export function rng(seed: number, index: number): () => number {
  let z = (seed ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  let x = (z ^ (z >>> 16)) >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

type Rand = () => number;
const int = (r: Rand, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)]!;

/** Valid projects to start from: the templates, the documented example, and small ones of each node kind. */
const TEMPLATES: string[] = [
  ...['templates/product-ad/aivp.project.yaml', 'templates/short-film/aivp.project.yaml', 'aivp.project.yaml.example'].map((p) => readFileSync(join(REPO, p), 'utf8')),
  `aivp: 1
name: t
defaults:
  image: { model: fal-ai/flux/dev, size: landscape }
style: { prompt: "stormy cliffs", seed: 7 }
shots:
  a: { prompt: "woman on a cliff", refs: [style], num_images: 2, pick: 2 }
  b: { prompt: "she turns", input: a }
  c: { prompt: "a harbour" }
`,
  `aivp: 1
defaults:
  video: { model: fal-ai/kling-video/v2.5-turbo/pro/image-to-video, duration: 5, aspect_ratio: "16:9" }
shots:
  a: { prompt: "first", size: 1280x720 }
  b: { prompt: "last", size: "4:3" }
segments:
  ab: { keyframes: [a, b], prompt: "move" }
film: { transition: cut }
`,
  `aivp: 1
references:
  loc: { file: refs/location.png }
  places: { dir: examples/refs/locations }
  mask: { file: examples/refs/mask.png }
shots:
  one: { prompt: "x", refs: [loc, places/beach], model: draft }
  two: { prompt: "y", input: one, mask: mask, model: fal-ai/flux-general/inpainting }
`,
];

/** Names JavaScript objects already answer to, and others a loader may trip on. */
export const WEIRD_NAMES = [
  '__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'prototype', 'length', 'then', '__defineGetter__',
  '', ' ', '-', '.', '..', 'a.b', 'a/b', '../x', 'x/', '${look}', '$${x}', '${', '${__proto__}', 'é', 'Ω', '日本', '🎬', 'a\u0000b',
  '\u202eevil', 'x'.repeat(300), '1', '0', 'true', 'null', '~', 'style', 'film', 'draft',
];

const WEIRD_STRINGS = [
  ...WEIRD_NAMES, '16:9', '9:16', '1:1', '0:0', '1:0', '0:1', '-1:2', '1.5:1', '99999999999999999999:1', '1e309:1', 'NaN:1',
  '1280x720', '0x0', '1x99999999', '-5x5', '1e3x1e3', '64x64', 'square', 'portrait', 'landscape', 'last', 'first', 'middle',
  'cut', 'crossfade', 's3://', 's3://b/../x', 'refs/location.png', 'refs/missing.png', '/etc/passwd', 'C:\\x', 'examples/refs',
  'fal-ai/flux/dev', 'fal-ai/aura-sr', 'veo-3.0-generate-001', 'gemini-2.5-flash-image', 'gpt-image-1', 'missing/model',
  'sk-abcdefghijklmnopqrstuvwxyz0123456789', '\t', '\n\n', '"', "'", '#', '% ', '\u00a0', '\ufeff',
];

const WEIRD_NUMBERS = [0, -0, -1, 1, 2, 3, 1.5, 0.1, 1e-320, 2 ** 31, 2 ** 53 + 2, 1e21, 1e308, Infinity, -Infinity, NaN, -1e308];

/** Field names the schema knows, so inserted fields land on real code paths. */
const FIELDS = [
  'aivp', 'aspect_ratio', 'audio', 'budget', 'cache', 'chain', 'concurrency', 'defaults', 'dir', 'draft', 'duration', 'fal', 'fallback',
  'file', 'film', 'fps', 'google', 'image', 'input', 'keyframes', 'mask', 'metadata', 'model', 'name', 'num_images', 'openai',
  'output', 'params', 'paths', 'per_image', 'per_megapixel', 'per_second', 'pick', 'position', 'prices', 'prompt', 'providers',
  'references', 'refs', 'remote', 'retries', 'seed', 'segments', 'shots', 'size', 'stability', 'style', 'timeout', 'transition',
  'type', 'vars', 'video', 'volume',
];
/** Fields whose value names another node. */
const LINKS = ['input', 'refs', 'keyframes', 'mask', 'segments'];

type Container = YAMLMap | YAMLSeq;
interface Slot {
  parent: Container;
  /** Index in parent.items. */
  i: number;
  /** The key when the parent is a map. */
  key?: string;
}

function slots(doc: Document): Slot[] {
  const out: Slot[] = [];
  const walk = (n: unknown, depth: number) => {
    if (depth > 40 || !(isMap(n) || isSeq(n))) return;
    n.items.forEach((item, i) => {
      const pair = isPair(item) ? (item as Pair) : undefined;
      out.push({ parent: n, i, key: pair && isScalar(pair.key) ? String(pair.key.value) : undefined });
      walk(pair ? pair.value : item, depth + 1);
    });
  };
  walk(doc.contents, 0);
  return out;
}

const valueAt = (s: Slot): unknown => (isMap(s.parent) ? (s.parent.items[s.i] as Pair).value : s.parent.items[s.i]);
function setValue(s: Slot, v: unknown): void {
  if (isMap(s.parent)) (s.parent.items[s.i] as Pair).value = v;
  else s.parent.items[s.i] = v as Node;
}

/** Names of the project's nodes, to aim references at. */
function nodeNames(doc: Document): string[] {
  const names: string[] = [];
  for (const section of ['references', 'shots', 'segments']) {
    const m = doc.get(section);
    if (isMap(m)) for (const p of m.items) if (isScalar(p.key)) names.push(String(p.key.value));
  }
  return names.length ? names : ['a'];
}

function scalar(r: Rand, doc: Document): unknown {
  switch (int(r, 5)) {
    case 0: return pick(r, WEIRD_NUMBERS);
    case 1: return pick(r, WEIRD_STRINGS);
    case 2: return pick(r, [true, false, null]);
    case 3: return pick(r, nodeNames(doc));
    default: return `${pick(r, nodeNames(doc))}/${pick(r, ['beach', 'cliff', 'x', '', '__proto__'])}`;
  }
}

function randomValue(r: Rand, doc: Document, depth = 0): unknown {
  const k = depth > 2 ? 0 : int(r, 4);
  if (k === 0 || k === 1) return doc.createNode(scalar(r, doc));
  if (k === 2) return seqOf(r, doc, depth);
  return mapOf(r, doc, depth);
}
function seqOf(r: Rand, doc: Document, depth: number): YAMLSeq {
  const s = new YAMLSeq();
  for (let i = int(r, 4); i > 0; i--) s.items.push(randomValue(r, doc, depth + 1));
  return s;
}
function mapOf(r: Rand, doc: Document, depth: number): YAMLMap {
  const m = new YAMLMap();
  for (let i = int(r, 3) + 1; i > 0; i--) m.add(doc.createPair(r() < 0.5 ? pick(r, FIELDS) : pick(r, WEIRD_NAMES), randomValue(r, doc, depth + 1)));
  return m;
}

const copyOf = (v: unknown): unknown => (isNode(v) ? v.clone() : v);

/** Deep nesting is written as text: the yaml library cannot print (or copy) thousands of levels. */
function nest(r: Rand, inner: string): string {
  let open = '';
  let close = '';
  for (let d = 1 + int(r, r() < 0.1 ? 5000 : 60); d > 0; d--) {
    if (r() < 0.5) [open, close] = [`${open}[`, `]${close}`];
    else [open, close] = [`${open}{${pick(r, r() < 0.5 ? FIELDS : ['__proto__', 'constructor', 'toString', 'a'])}: `, `}${close}`];
  }
  return `${open}${inner}${close}`;
}
const NEST = 'fuzz_nest_marker';

/** Fields a document may grow to: copies of copies double it, and a case must stay quick to make. */
const MAX_SLOTS = 5000;

/** One structure-aware change of the document. */
function mutateTree(r: Rand, doc: Document): void {
  const all = slots(doc);
  if (all.length > MAX_SLOTS) return;
  if (all.length === 0) return void (doc.contents = doc.createNode({ aivp: 1 }) as Node);
  const s = pick(r, all);
  const names = nodeNames(doc);
  switch (int(r, 14)) {
    case 0: // drop a field
      s.parent.items.splice(s.i, 1);
      break;
    case 1: { // duplicate a field (under a fresh or the same name)
      const copy = copyOf(valueAt(s));
      if (isMap(s.parent)) s.parent.items.splice(s.i + 1, 0, doc.createPair(r() < 0.3 ? s.key : `${s.key}_${int(r, 100)}`, copy));
      else s.parent.items.splice(s.i + 1, 0, copy);
      break;
    }
    case 2: // retype a value
      setValue(s, randomValue(r, doc));
      break;
    case 3: // rename a key to a weird name
      if (isMap(s.parent)) (s.parent.items[s.i] as Pair).key = doc.createNode(pick(r, WEIRD_NAMES));
      break;
    case 4: // a weird scalar
      setValue(s, doc.createNode(scalar(r, doc)));
      break;
    case 5: // a huge or odd number
      setValue(s, doc.createNode(pick(r, WEIRD_NUMBERS)));
      break;
    case 6: // deep nesting, spliced into the text once printed
      setValue(s, doc.createNode(NEST));
      break;
    case 7: { // a schema field with an odd value, in some mapping
      const maps = all.map(valueAt).filter(isMap) as YAMLMap[];
      const m = maps.length ? pick(r, maps) : (doc.contents as YAMLMap);
      if (isMap(m)) m.set(doc.createNode(r() < 0.8 ? pick(r, FIELDS) : pick(r, WEIRD_NAMES)), r() < 0.7 ? doc.createNode(scalar(r, doc)) : randomValue(r, doc));
      break;
    }
    case 8: { // a reference to another node, a missing one or itself
      const maps = all.map(valueAt).filter(isMap) as YAMLMap[];
      if (!maps.length) break;
      const target = () => (r() < 0.7 ? pick(r, names) : pick(r, ['missing', 'style', '__proto__', 'toString', `${pick(r, names)}/x`]));
      const field = pick(r, LINKS);
      pick(r, maps).set(field, doc.createNode(field === 'input' || field === 'mask' ? target() : [target(), target()]));
      break;
    }
    case 9: { // a cycle through input
      const shots = doc.get('shots');
      if (!isMap(shots) || shots.items.length === 0) break;
      const [a, b] = [pick(r, shots.items), pick(r, shots.items)];
      if (isMap(a.value) && isScalar(b.key)) a.value.set('input', b.key.value);
      if (isMap(b.value) && isScalar(a.key)) b.value.set('input', a.key.value);
      break;
    }
    case 10: { // many nodes: a section's entries copied under fresh names
      const section = doc.get(pick(r, ['shots', 'references', 'segments']));
      if (!isMap(section) || section.items.length === 0) break;
      for (let k = 1 + int(r, 200); k > 0; k--) {
        const p = pick(r, section.items);
        section.add(doc.createPair(`${isScalar(p.key) ? p.key.value : 'n'}_${k}`, copyOf(p.value)));
      }
      break;
    }
    case 11: { // an alias to an earlier node (YAML shares it; some loaders expand it)
      const earlier = all.slice(0, Math.max(1, all.indexOf(s))).map(valueAt).filter((v) => isMap(v) || isSeq(v) || isScalar(v)) as (YAMLMap | YAMLSeq | Scalar)[];
      if (!earlier.length) break;
      const target = pick(r, earlier);
      target.anchor ??= `a${int(r, 1000)}`;
      setValue(s, new Alias(target.anchor));
      break;
    }
    case 12: // unicode into a prompt-like string
      setValue(s, doc.createNode(`${pick(r, ['', 'x '])}${pick(r, ['é', '🎬🎬', '\u202e', '\u0000', '${look}', '\ud800', 'ß'.repeat(int(r, 5000))])}`));
      break;
    default: { // crossover: a section of another template
      const other = parseDocument(pick(r, TEMPLATES));
      const section = pick(r, ['defaults', 'shots', 'segments', 'references', 'film', 'style', 'vars', 'prices', 'providers']);
      const v = other.get(section, true);
      if (v !== undefined && isMap(doc.contents)) doc.set(section, copyOf(v));
    }
  }
}

const SPECIAL = [':', ': ', '-', '- ', '{', '}', '[', ']', '"', "'", '\t', '\n', '\r', '&a ', '*a', '!!binary ', '!!js/function ', '? ', '|', '>', '%YAML 1.2\n', '---\n', '...\n', '\ufeff', '\\', '#', '@', '`', '\u0000', '\u0085', '\u2028', '~', '<<: *a\n', '!', ' '];

/** One change to the bytes of the text: what a bad paste, a merge or a broken editor does. */
function mutateText(r: Rand, text: string): string {
  const at = int(r, text.length + 1);
  const len = 1 + int(r, 20);
  switch (int(r, 7)) {
    case 0: return text.slice(0, at) + pick(r, SPECIAL) + text.slice(at);
    case 1: return text.slice(0, at) + text.slice(at + len);
    case 2: return text.slice(0, at) + text.slice(at, at + len).repeat(2 + int(r, 4)) + text.slice(at);
    case 3: return text.slice(0, at);
    case 4: return text.slice(0, at) + String.fromCharCode(int(r, 0x3000)) + text.slice(at + 1);
    case 5: { // re-indent a line
      const lines = text.split('\n');
      const k = int(r, lines.length);
      lines[k] = r() < 0.5 ? ` ${lines[k]}` : lines[k]!.replace(/^ {1,2}/, '');
      return lines.join('\n');
    }
    default: { // swap two lines
      const lines = text.split('\n');
      const [a, b] = [int(r, lines.length), int(r, lines.length)];
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      return lines.join('\n');
    }
  }
}

/** The text of case `index` of `seed`. */
export function fuzzCase(seed: number, index: number): string {
  const r = rng(seed, index);
  const base = pick(r, TEMPLATES);
  let text = base;
  if (r() < 0.9) {
    const doc = parseDocument(base);
    for (let n = 1 + int(r, r() < 0.2 ? 12 : 4); n > 0; n--) {
      try {
        mutateTree(r, doc);
      } catch {
        // The yaml library's own limits (a copy of a very deep value): the document stays as it was made so far.
      }
    }
    try {
      text = doc.toString({ lineWidth: 0 }).replaceAll(NEST, () => nest(r, pick(r, ['1', 'x', '[]', '{}', '"s"'])));
    } catch {
      text = base; // an alias left before its anchor, or a value too deep to print: the template as it was
    }
  }
  if (r() < 0.3) for (let n = 1 + int(r, 3); n > 0; n--) text = mutateText(r, text);
  return text;
}

/** Fixed cases run before the generated ones: crashes found before, kept so they stay fixed. */
export const REGRESSIONS: { name: string; text: string }[] = [
  { name: '`aivp: {toString: x}` (issue 20)', text: 'aivp: {toString: x}\n' },
  {
    name: '`size: __proto__` on a keyframe of a segment with an aspect_ratio (issue 20)',
    text: `aivp: 1
shots:
  a: { prompt: "x", size: __proto__ }
segments:
  s: { keyframes: [a], prompt: "y", aspect_ratio: "16:9" }
`,
  },
];
