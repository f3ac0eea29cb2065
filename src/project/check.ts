// Graph rules: unique names, links that point at something suitable, no cycles, per-node sanity.
import { extname, posix } from 'node:path';
import { isUpscaler } from './models-check.js';
import type { Reporter } from './report.js';
import type { RawNode } from './resolve.js';
import type { Path } from './source.js';
import { closest, didYouMean } from './suggest.js';
import type { ImageNode, NodeRef, ProjectNode } from './types.js';

type Role = 'refs' | 'input' | 'mask' | 'keyframes';

interface Link {
  from: string;
  role: Role;
  ref: NodeRef;
  path: Path;
  /** Added by `defaults.chain`, not written in the file. */
  implicit: boolean;
}

export interface Entry {
  raw: RawNode;
  node: ProjectNode;
  chained?: boolean;
}

/** A name used twice is an error at its later occurrence. */
export function checkUniqueNames(entries: Entry[], report: Reporter): void {
  const first = new Map<string, RawNode>();
  for (const { raw } of entries) {
    const earlier = first.get(raw.name);
    if (!earlier) {
      first.set(raw.name, raw);
      continue;
    }
    const where = earlier.kind === 'style' ? 'the style frame' : `\`${earlier.path.join('.')}\``;
    report.error(raw.path, `duplicate name \`${raw.name}\`: already used by ${where}`, {
      at: 'key',
      hint: 'names are shared by references, style, shots and segments',
    });
  }
}

export function checkNodeRules({ raw, node }: Entry, report: Reporter): void {
  if (node.kind === 'segment') return;
  const has = (k: string) => raw.data[k] !== undefined;
  if (has('file') && has('dir')) {
    report.error([...raw.path, 'dir'], `reference \`${node.name}\` has both \`file\` and \`dir\`: use one`, { at: 'key' });
  }
  if (has('dir') && has('prompt')) {
    report.error([...raw.path, 'prompt'], `reference \`${node.name}\` has \`dir\` and \`prompt\`: a folder of images is a source, not generated`, {
      at: 'key',
    });
  }
  if (node.pick > node.num_images) {
    report.error([...raw.path, has('pick') ? 'pick' : 'num_images'], `\`pick\` is ${node.pick} but the node makes ${node.num_images} image(s)`, {
      hint: 'pick counts from 1 and must not exceed num_images',
    });
  }
  const source = node.kind === 'reference' && (node.file !== undefined || node.dir !== undefined);
  // A misspelt `prompt` is already reported as an unknown field with a hint.
  const misspeltPrompt = Object.keys(raw.data).some((k) => k !== 'prompt' && closest(k, ['prompt']) === 'prompt');
  if (node.prompt !== undefined || source || misspeltPrompt) return;
  // An upscaler without an image is refused with the other models that need one (checkImageInputs).
  if (isUpscaler(node.model)) return;
  const what = node.kind === 'reference' ? 'needs `prompt`, `file` or `dir`' : 'needs a `prompt`';
  report.error(raw.path, `\`${node.name}\` ${what}`, {
    at: 'key',
    hint: 'only upscalers (e.g. `fal-ai/aura-sr`) run without a prompt',
  });
}

/** Both link checks walk every link: made once per entry. */
const linkCache = new WeakMap<Entry, Link[]>();

function linksOf(entry: Entry): Link[] {
  let links = linkCache.get(entry);
  if (!links) linkCache.set(entry, (links = makeLinks(entry)));
  return links;
}

function makeLinks({ raw, node, chained }: Entry): Link[] {
  const link = (role: Role, ref: NodeRef, path: Path, implicit = false): Link => ({ from: node.name, role, ref, path, implicit });
  if (node.kind === 'segment') return node.keyframes.map((r, i) => link('keyframes', r, [...raw.path, 'keyframes', i]));
  return [
    ...(node.input ? [link('input', node.input, chained ? raw.path : [...raw.path, 'input'], chained)] : []),
    ...node.refs.map((r, i) => link('refs', r, [...raw.path, 'refs', i])),
    ...(node.mask ? [link('mask', node.mask, [...raw.path, 'mask'])] : []),
  ];
}

const stemOf = (file: string) => posix.basename(file, extname(file));

/** Every link names an existing image; one image where one is needed. Dir files must be expanded first. */
export function checkLinks(entries: Entry[], report: Reporter): void {
  const byName = new Map(entries.map((e) => [e.node.name, e.node]));
  const names = [...byName.keys()];
  for (const l of entries.flatMap(linksOf)) {
    const at = l.implicit ? ({ at: 'key' } as const) : {};
    const slash = l.ref.name.indexOf('/');
    const base = slash > 0 ? l.ref.name.slice(0, slash) : l.ref.name;
    const target = byName.get(base);
    if (!target) {
      report.error(l.path, `unknown name \`${base}\` in \`${l.role}\``, { ...at, hint: didYouMean(base, names) });
      continue;
    }
    if (target.kind === 'segment') {
      report.error(l.path, `\`${base}\` is a segment (a video); \`${l.role}\` takes images`, at);
      continue;
    }
    if (slash > 0) {
      const stem = l.ref.name.slice(slash + 1);
      if (target.dir === undefined) {
        report.error(l.path, `\`${base}\` is not a \`dir\` reference, so \`${l.ref.name}\` names nothing`, at);
      } else if (!(target.dirFiles ?? []).some((f) => stemOf(f) === stem)) {
        report.error(l.path, `no image \`${stem}\` in \`${target.dir}\``, { ...at, hint: didYouMean(stem, (target.dirFiles ?? []).map(stemOf)) });
      }
    } else if (target.dir !== undefined && l.role !== 'refs') {
      report.error(l.path, `\`${base}\` is a folder of images; \`${l.role}\` takes one: name it as \`${base}/<file stem>\``, at);
    }
  }
}

/** Cycles through refs, input, mask and keyframes, each printed once as a path. */
export function checkCycles(entries: Entry[], report: Reporter): void {
  const edges = new Map<string, Link[]>();
  for (const e of entries) edges.set(e.node.name, linksOf(e));
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const reported = new Set<string>();
  const visit = (name: string) => {
    state.set(name, 'active');
    stack.push(name);
    for (const l of edges.get(name) ?? []) {
      const target = l.ref.name.split('/')[0];
      if (!edges.has(target)) continue;
      if (state.get(target) === 'active') {
        // Start the printed path at the node whose link is reported: name -> target -> … -> name.
        const members = stack.slice(stack.indexOf(target));
        const cycle = [name, ...members.slice(0, -1), name];
        const id = [...new Set(cycle)].sort().join(' ');
        if (!reported.has(id)) {
          reported.add(id);
          report.error(l.path, `dependency cycle: ${cycle.join(' -> ')}`, {
            at: l.implicit ? 'key' : 'value',
            hint: l.implicit ? 'this link comes from `defaults.chain: true`; give the shot an explicit `input`' : undefined,
          });
        }
      } else if (!state.has(target)) {
        visit(target);
      }
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of edges.keys()) if (!state.has(name)) visit(name);
}

/** `defaults.chain`: each shot without `input` takes the previous shot. */
export function applyChain(entries: Entry[]): void {
  let previous: ImageNode | undefined;
  for (const e of entries) {
    if (e.node.kind !== 'shot') continue;
    if (previous && !e.node.input) {
      e.node.input = { name: previous.name };
      e.chained = true;
    }
    previous = e.node;
  }
}
