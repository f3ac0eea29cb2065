// The gallery's view model: what each card shows, decided from the project, the records, the
// planner's status and the build's failures. Pure, so the page can be tested without a browser.
import path from 'node:path';
import type { NodeRecord } from '../engine/record-types.js';
import type { NodeStatus } from '../engine/plan-types.js';
import type { ImageNode, NodeKind, ProjectNode, ResolvedProject } from '../project/types.js';
import type { Asset } from './assets.js';

export type Badge = 'uptodate' | 'stale' | 'missing' | 'failed' | 'modified' | 'source';
export type InputRole = 'input' | 'ref' | 'mask' | 'keyframe';

export interface StatusEntry {
  status: NodeStatus;
  reasons: string[];
}

export interface Take {
  /** 1-based, as `pick` counts. */
  index: number;
  asset: Asset;
  picked: boolean;
}

export interface InputThumb {
  role: InputRole;
  /** Node name, or `dir/stem`. */
  name: string;
  /** Anchor of the card it links to. */
  anchor: string;
  asset?: Asset;
}

export interface NodeView {
  name: string;
  kind: NodeKind;
  anchor: string;
  badge: Badge;
  reasons: string[];
  error?: string;
  /** The prompt the project asks for now. */
  prompt?: string;
  /** The prompt the shown output was made from, when it differs from `prompt`. */
  builtPrompt?: string;
  model: string;
  /** For source images: the `file:` or `dir:` they come from. */
  sourcePath?: string;
  seed?: number;
  costUsd?: number;
  durationSec?: number;
  takes: Take[];
  inputs: InputThumb[];
}

export interface Totals {
  built: number;
  stale: number;
  missing: number;
  failed: number;
  spentUsd: number;
}

export interface GalleryView {
  name: string;
  totals: Totals;
  /** References and the style frame. */
  references: NodeView[];
  shots: NodeView[];
  segments: NodeView[];
}

export interface ViewInput {
  project: ResolvedProject;
  records: Map<string, NodeRecord>;
  status: Map<string, StatusEntry>;
  failures?: Map<string, string>;
}

/** Files (relative to the project root) a node shows: its recorded outputs, else its source images. */
export function nodeFiles(node: ProjectNode, record: NodeRecord | undefined): string[] {
  if (record && record.outputs.length > 0) return record.outputs.map((o) => o.path);
  if (node.kind === 'segment') return [];
  return node.dirFiles ?? (node.file ? [node.file] : []);
}

export function galleryFiles(project: ResolvedProject, records: Map<string, NodeRecord>): string[] {
  return project.nodes.flatMap((n) => nodeFiles(n, records.get(n.name)));
}

export function buildView(input: ViewInput, assets: Map<string, Asset>): GalleryView {
  const { project, records } = input;
  const byName = new Map(project.nodes.map((n) => [n.name, n]));
  const cards = new Map(project.nodes.map((n) => [n.name, nodeCard(n, input, assets)]));
  const thumbOf = (name: string): Asset | undefined => {
    const slash = name.indexOf('/');
    if (slash < 0) return pickedAsset(cards.get(name));
    const dirNode = byName.get(name.slice(0, slash));
    const stem = name.slice(slash + 1);
    const file = dirNode?.kind !== 'segment' ? dirNode?.dirFiles?.find((f) => path.parse(f).name === stem) : undefined;
    return file ? assets.get(file) : undefined;
  };
  for (const node of project.nodes) {
    cards.get(node.name)!.inputs = inputRefs(node).map(({ role, name }) => ({
      role,
      name,
      anchor: anchorOf(name.split('/')[0]!),
      asset: thumbOf(name),
    }));
  }
  const views = project.nodes.map((n) => cards.get(n.name)!);
  return {
    name: project.name,
    totals: totalsOf(views, records),
    references: views.filter((v) => v.kind === 'reference' || v.kind === 'style'),
    shots: views.filter((v) => v.kind === 'shot'),
    segments: views.filter((v) => v.kind === 'segment'),
  };
}

export function anchorOf(name: string): string {
  return `n-${name}`;
}

function nodeCard(node: ProjectNode, input: ViewInput, assets: Map<string, Asset>): NodeView {
  const record = input.records.get(node.name);
  const entry = input.status.get(node.name);
  const error = input.failures?.get(node.name);
  const pick = record?.pick ?? (node.kind === 'segment' ? 1 : node.pick);
  const takes = nodeFiles(node, record).flatMap((file, i) => {
    const asset = assets.get(file);
    return asset ? [{ index: i + 1, asset, picked: i + 1 === pick }] : [];
  });
  const source = entry?.status === 'source' || (!record && node.kind !== 'segment' && !!(node.file || node.dir));
  const badge = badgeOf(entry?.status, error !== undefined, takes.length > 0, source);
  const seed = record?.seed ?? (node.kind === 'segment' ? undefined : node.seed);
  return {
    name: node.name,
    kind: node.kind,
    anchor: anchorOf(node.name),
    badge,
    reasons: badge === 'stale' ? (entry?.reasons ?? []) : [],
    error,
    prompt: node.prompt,
    builtPrompt: record?.prompt !== undefined && record.prompt !== node.prompt ? record.prompt : undefined,
    model: record?.model ?? node.model,
    sourcePath: source && node.kind !== 'segment' ? (node.file ?? node.dir) : undefined,
    seed: source ? undefined : seed,
    costUsd: record?.costUsd,
    durationSec: node.kind === 'segment' ? node.duration : undefined,
    takes,
    inputs: [],
  };
}

function badgeOf(status: NodeStatus | undefined, failed: boolean, hasOutput: boolean, source: boolean): Badge {
  if (failed) return 'failed';
  if (!hasOutput) return 'missing';
  if (source) return 'source';
  if (status === 'modified') return 'modified';
  if (status === undefined || status === 'uptodate') return 'uptodate';
  return 'stale';
}

function inputRefs(node: ProjectNode): { role: InputRole; name: string }[] {
  if (node.kind === 'segment') return node.keyframes.map((k) => ({ role: 'keyframe', name: k.name }));
  const image: ImageNode = node;
  return [
    ...(image.input ? [{ role: 'input' as const, name: image.input.name }] : []),
    ...image.refs.map((r) => ({ role: 'ref' as const, name: r.name })),
    ...(image.mask ? [{ role: 'mask' as const, name: image.mask.name }] : []),
  ];
}

function pickedAsset(card: NodeView | undefined): Asset | undefined {
  return (card?.takes.find((t) => t.picked) ?? card?.takes[0])?.asset;
}

function totalsOf(views: NodeView[], records: Map<string, NodeRecord>): Totals {
  const count = (...badges: Badge[]): number => views.filter((v) => badges.includes(v.badge)).length;
  const spentUsd = views.reduce((sum, v) => sum + (records.get(v.name)?.costUsd ?? 0), 0);
  return {
    built: count('uptodate', 'modified'),
    stale: count('stale'),
    missing: count('missing'),
    failed: count('failed'),
    spentUsd,
  };
}
