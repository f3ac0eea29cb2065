// Raw YAML data -> project nodes: defaults merged, `${var}` substituted, names turned into refs.
// Tolerates wrongly typed fields (treated as absent) so the checks after it still run and every
// problem is reported at once; the schema reports the type errors themselves.
import { posix } from 'node:path';
import type { Reporter } from './report.js';
import { keysOf, type Path, type Source } from './source.js';
import { didYouMean } from './suggest.js';
import type { ImageNode, KeyframePosition, NodeRef, ProjectNode, SegmentNode } from './types.js';
import { substitute } from './vars.js';

export type Obj = Record<string, unknown>;

/** A node as written: where it is and its raw fields. */
export interface RawNode {
  name: string;
  kind: ProjectNode['kind'];
  path: Path;
  data: Obj;
}

export interface ResolveContext {
  source: Source;
  report: Reporter;
  vars: Record<string, string>;
  imageDefaults: Obj;
  videoDefaults: Obj;
}

export const BUILTIN_DEFAULTS = {
  imageModel: 'fal-ai/nano-banana-pro',
  videoModel: 'fal-ai/kling-video/v2.5-turbo/pro/image-to-video',
  numImages: 1,
  pick: 1,
  retries: 2,
  position: 'first' as KeyframePosition,
};

export const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const int = (v: unknown): number | undefined => (Number.isInteger(v) ? (v as number) : undefined);
/** A count of 1 or more; anything else is a schema error, treated as absent here. */
const count = (v: unknown): number | undefined => (Number.isInteger(v) && (v as number) >= 1 ? (v as number) : undefined);
/** The schema's own bound (`numImages`, at most 16): a value it refused must not size a list of takes (2^31 of them hung validate). */
const takes = (v: unknown): number | undefined => (count(v) !== undefined && (v as number) <= 16 ? (v as number) : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
const strList = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);
const POSITIONS: KeyframePosition[] = ['first', 'middle', 'last'];

/** Nodes in file order: references, style, shots, segments. */
export function collectNodes(source: Source, data: Obj): RawNode[] {
  const nodes: RawNode[] = [];
  const section = (key: 'references' | 'shots' | 'segments', kind: ProjectNode['kind']) => {
    const map = obj(data[key]);
    for (const name of keysOf(source, [key])) {
      if (Object.hasOwn(map, name)) nodes.push({ name, kind, path: [key, name], data: obj(map[name]) });
    }
  };
  section('references', 'reference');
  if (data.style !== undefined) nodes.push({ name: 'style', kind: 'style', path: ['style'], data: obj(data.style) });
  section('shots', 'shot');
  section('segments', 'segment');
  return nodes;
}

/** Project-relative POSIX path as written (`./a/../b` -> `b`); containment is checked separately. */
export function normalizeRel(p: string): string {
  return posix.normalize(p.replace(/\\/g, '/')).replace(/^\.\//, '').replace(/\/$/, '');
}


export function resolveNode(raw: RawNode, ctx: ResolveContext): ProjectNode {
  const d = raw.data;
  const defaults = raw.kind === 'segment' ? ctx.videoDefaults : ctx.imageDefaults;
  const pick = <T>(read: (v: unknown) => T | undefined, key: string): T | undefined => read(d[key]) ?? read(defaults[key]);
  const ref = (name: string): NodeRef => ({ name });
  const prompt = resolvePrompt(raw, ctx);
  const output = str(d.output);
  // Every field written out in one literal per kind (no `...common`): a spread followed by more
  // fields gave V8 dictionary-mode objects, and every later read of 10,000 nodes paid for it.
  const name = raw.name;
  const text = prompt?.text;
  const vars = prompt?.used ?? [];
  const params = { ...obj(defaults.params), ...obj(d.params) };
  const retries = pick(int, 'retries') ?? BUILTIN_DEFAULTS.retries;
  const timeout = pick(num, 'timeout');
  const fallback = pick(strList, 'fallback') ?? [];
  const out = output === undefined ? undefined : normalizeRel(output);
  if (raw.kind === 'segment') {
    const position = pick(str, 'position') as KeyframePosition | undefined;
    const node: SegmentNode = {
      name, prompt: text, vars, params, retries, timeout, fallback, output: out,
      kind: 'segment',
      model: pick(str, 'model') ?? BUILTIN_DEFAULTS.videoModel,
      keyframes: (Array.isArray(d.keyframes) ? d.keyframes : []).flatMap((k) => (typeof k === 'string' ? [ref(k)] : [])),
      duration: pick(num, 'duration'),
      aspect_ratio: pick(str, 'aspect_ratio'),
      audio: pick(bool, 'audio'),
      position: position && POSITIONS.includes(position) ? position : BUILTIN_DEFAULTS.position,
    };
    return node;
  }
  const input = str(d.input);
  const mask = str(d.mask);
  const file = str(d.file);
  const dir = str(d.dir);
  const node: ImageNode = {
    name, prompt: text, vars, params, retries, timeout, fallback, output: out,
    kind: raw.kind,
    model: pick(str, 'model') ?? BUILTIN_DEFAULTS.imageModel,
    size: pick(str, 'size'),
    seed: pick(int, 'seed'),
    num_images: pick(takes, 'num_images') ?? BUILTIN_DEFAULTS.numImages,
    pick: pick(count, 'pick') ?? BUILTIN_DEFAULTS.pick,
    refs: (Array.isArray(d.refs) ? d.refs : []).flatMap((r) => (typeof r === 'string' ? [ref(r)] : [])),
    input: input === undefined ? undefined : ref(input),
    mask: mask === undefined ? undefined : ref(mask),
    file: undefined,
    dir: undefined,
  };
  if (raw.kind === 'reference' && file !== undefined) node.file = normalizeRel(file);
  if (raw.kind === 'reference' && dir !== undefined) node.dir = normalizeRel(dir);
  return node;
}

function resolvePrompt(raw: RawNode, ctx: ResolveContext) {
  const prompt = str(raw.data.prompt);
  if (prompt === undefined) return undefined;
  const result = substitute(prompt, ctx.vars);
  for (const name of result.missing) {
    ctx.report.error([...raw.path, 'prompt'], `undefined var \`\${${name}}\``, {
      text: `\${${name}}`,
      hint: didYouMean(name.trim(), Object.keys(ctx.vars)) ?? (Object.keys(ctx.vars).length ? undefined : 'define it under `vars:`'),
    });
  }
  return result;
}
