// ResolvedProject -> Graph: typed nodes, edges from refs/input/mask/keyframes, topological order.
import { extname, posix } from 'node:path';
import TinyQueue from 'tinyqueue';
import { isSourceNode, outputPaths, sourceFilesOf } from '../project/outputs.js';
import type { FilmNode, ImageNode, ProjectNode, ResolvedProject, SegmentNode } from '../project/types.js';
import { keyframesSent, lookupModel, routeProvider } from '../providers/models.js';
import type { Graph, GraphNode, InputEdge, InputRole } from './types.js';

export interface GraphOptions {
  /** `--draft`: every generated node uses the offline draft renderer. */
  draft?: boolean;
}

export function buildGraph(project: ResolvedProject, opts: GraphOptions = {}): Graph {
  const byName = new Map(project.nodes.map((n) => [n.name, n]));
  const nodes = new Map<string, GraphNode>();
  for (const spec of project.nodes) {
    nodes.set(spec.name, toGraphNode(spec, byName, project, opts));
  }
  for (const film of project.films) nodes.set(film.name, toFilmNode(film));
  const dependents = new Map<string, string[]>([...nodes.keys()].map((k) => [k, []]));
  for (const n of nodes.values()) for (const d of n.deps) dependents.get(d)?.push(n.name);
  return { nodes, order: topoOrder(nodes), dependents };
}

function toGraphNode(
  spec: ProjectNode,
  byName: Map<string, ProjectNode>,
  project: ResolvedProject,
  opts: GraphOptions,
): GraphNode {
  const source = isSourceNode(spec);
  const model = source ? 'source' : opts.draft ? 'draft' : spec.model;
  const inputs = spec.kind === 'segment' ? segmentInputs(spec, byName) : imageInputs(spec, byName);
  const provider = source ? 'draft' : routeProvider(model) ?? 'draft';
  const models = source ? [] : [model, ...(model === 'draft' ? [] : spec.fallback)];
  return {
    name: spec.name,
    kind: spec.kind,
    spec,
    source,
    sourceFiles: isSourceNode(spec) ? sourceFilesOf(spec) : [],
    provider,
    model,
    media: spec.kind === 'segment' ? 'video' : 'image',
    models,
    providers: [...new Set(models.map((m) => routeProvider(m) ?? provider))],
    inputs,
    deps: [...new Set(inputs.map((e) => e.node))],
    pick: spec.kind === 'segment' ? 1 : spec.pick,
    unsent: unsentKeyframes(spec, inputs),
    outputs: source ? [] : outputPaths(spec, project.paths),
  };
}

/** The cut: its clips in order, then its sound track; assembled locally by the film provider. */
function toFilmNode(spec: FilmNode): GraphNode {
  const inputs: InputEdge[] = [
    ...spec.segments.map((s): InputEdge => ({ role: 'clip', node: s.name, label: s.name })),
    ...(spec.audio ? [{ role: 'audio', node: spec.name, label: 'audio', file: spec.audio.file } as InputEdge] : []),
  ];
  return {
    name: spec.name,
    kind: 'film',
    spec,
    source: false,
    sourceFiles: [],
    provider: 'film',
    model: spec.model,
    media: 'video',
    models: [spec.model],
    providers: ['film'],
    inputs,
    deps: spec.segments.map((s) => s.name),
    pick: 1,
    unsent: [],
    outputs: [spec.output!],
  };
}

function edgesFor(role: InputRole, refName: string, byName: Map<string, ProjectNode>): InputEdge[] {
  const slash = refName.indexOf('/');
  if (slash > 0) {
    // `places/<stem>`: one image of a dir reference.
    const node = refName.slice(0, slash);
    const dirNode = byName.get(node) as ImageNode | undefined;
    const stem = refName.slice(slash + 1);
    const file = dirNode?.dirFiles?.find((f) => posix.basename(f, extname(f)) === stem);
    return [{ role, node, label: refName, file }];
  }
  const target = byName.get(refName) as ImageNode | undefined;
  if (target && isSourceNode(target)) {
    return sourceFilesOf(target).map((file) => ({
      role, node: refName, file, label: target.dir !== undefined ? `${refName}/${posix.basename(file, extname(file))}` : refName,
    }));
  }
  return [{ role, node: refName, label: refName }];
}

function imageInputs(spec: ImageNode, byName: Map<string, ProjectNode>): InputEdge[] {
  return [
    ...(spec.input ? edgesFor('input', spec.input.name, byName) : []),
    ...spec.refs.flatMap((r) => edgesFor('ref', r.name, byName)),
    ...(spec.mask ? edgesFor('mask', spec.mask.name, byName) : []),
  ];
}

/**
 * Models without last-frame support see one keyframe, chosen by `position`; only it is an input.
 * Decided by the segment's own model even under `--draft`, so a draft shows what that model gets.
 */
function segmentInputs(spec: SegmentNode, byName: Map<string, ProjectNode>): InputEdge[] {
  const all = spec.keyframes.flatMap((k) => edgesFor('keyframe', k.name, byName));
  return keyframesSent(all.length, lookupModel(spec.model, 'video')?.info, spec.position).map((i) => all[i]);
}

/** Keyframes written on a segment that its model will not receive (`aivp graph` shows them). */
function unsentKeyframes(spec: ProjectNode, inputs: InputEdge[]): string[] {
  if (spec.kind !== 'segment') return [];
  const sent = new Set(inputs.map((e) => e.node));
  return spec.keyframes.map((k) => k.name).filter((k) => !sent.has(k));
}

/**
 * Whether a record of node `name` may list `path` as an output: a path that node writes (one of
 * its output paths, with the extension of the bytes received where the path has none; the film's
 * `output`). For a node the project no longer has (its `output:` is gone with it), a file directly
 * in an output folder (`paths.*`, `film/`) that no node of the project writes.
 * Anything else in a record (`.git/HEAD`) was not written by aivp: rebuilding or cleaning the node
 * would delete it.
 */
export function outputRule(project: ResolvedProject): (name: string, path: string) => boolean {
  const planned = new Map<string, string[]>();
  for (const spec of project.nodes) if (!isSourceNode(spec)) planned.set(spec.name, outputPaths(spec, project.paths));
  for (const film of project.films) planned.set(film.name, [film.output!]);
  const writes = (own: string[], path: string) =>
    own.some((p) => path === p || (!extname(p) && path.startsWith(`${p}.`) && /^[a-z0-9]+$/.test(path.slice(p.length + 1))));
  const all = [...planned.values()].flat();
  const folders = new Set([project.paths.keyframes, project.paths.segments, project.paths.references, 'film']);
  return (name, path) => {
    const own = planned.get(name);
    if (own) return writes(own, path);
    // A node the project no longer has: a media file directly in an output folder, that no node of the project writes.
    return folders.has(posix.dirname(path)) && /\.[a-z0-9]+$/.test(path) && !writes(all, path);
  };
}

/** Kahn's algorithm; among ready nodes the one declared first goes first, so order is stable. */
function topoOrder(nodes: Map<string, GraphNode>): string[] {
  const names = [...nodes.keys()];
  const position = new Map(names.map((k, i) => [k, i]));
  const indegree = names.map((k) => nodes.get(k)!.deps.filter((d) => nodes.has(d)).length);
  const users: number[][] = names.map(() => []);
  for (const [i, k] of names.entries()) for (const d of nodes.get(k)!.deps) if (position.has(d)) users[position.get(d)!].push(i);
  // Declaration positions in a min-heap: O(n log n) at 10,000+ nodes.
  const ready = new TinyQueue<number>();
  indegree.forEach((n, i) => n === 0 && ready.push(i));
  const order: string[] = [];
  while (ready.length) {
    const next = ready.pop()!;
    order.push(names[next]);
    for (const u of users[next]) if (--indegree[u] === 0) ready.push(u);
  }
  // The loader rejects cycles; a node missing here would mean it let one through.
  if (order.length !== nodes.size) throw new Error('internal: dependency cycle reached the graph');
  return order;
}
