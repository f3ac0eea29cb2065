// The gallery's view model: what the storyboard shows, decided from the project, the records,
// the planner's status, the last failures and the content cache's earlier generations. Pure, so
// the page can be tested without a browser. Records are input (a clone or a team cache wrote
// them): a take is shown only where the node writes it, as an image or a video, and a field of
// the wrong type is left out rather than trusted.
import path from 'node:path';
import { blobPath } from '../engine/store/content-cache.js';
import type { Failure } from '../engine/store/failures.js';
import type { NodeRecord } from '../engine/record-types.js';
import type { NodeStatus } from '../engine/plan-types.js';
import { pickLocator } from '../project/pick-edit.js';
import type { FilmNode, ImageNode, KeyframePosition, NodeKind, ProjectNode, ResolvedProject, SegmentNode } from '../project/types.js';
import type { Asset, AssetSource } from './assets.js';
import { projectHash } from './pick.js';
import { buildGraph } from '../graph/build.js';
import { type InputRole as GraphInputRole } from '../graph/types.js';
import { mediaTypeOf } from '../media/media-types.js';
import { cutEnd, filmCut, type FilmCut } from '../media/cut.js';

export type Badge = 'uptodate' | 'stale' | 'missing' | 'failed' | 'modified' | 'source';
/** The graph's roles of what an image or a segment takes (a film's clips and sound are not shown as inputs). */
export type InputRole = Exclude<GraphInputRole, 'clip' | 'audio'>;

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

/** An earlier generation of a node, restorable from the content cache at no cost. */
export interface Version {
  createdAt: string;
  model: string;
  prompt?: string;
  seed?: number;
  assets: Asset[];
  /** Lines of aivp.project.yaml that bring it back. */
  restore: string[];
}

export interface NodeView {
  name: string;
  kind: NodeKind;
  anchor: string;
  /** Where it sits in the file: `shots.scene_01`. */
  field: string;
  badge: Badge;
  reasons: string[];
  error?: string;
  /** The model the failed attempt used (a fallback's, not necessarily the project's). */
  failedModel?: string;
  /** The prompt the project asks for now. */
  prompt?: string;
  /** The prompt the shown output was made from, when it differs from `prompt`. */
  builtPrompt?: string;
  model: string;
  /** The shown output was made by the offline draft renderer. */
  draft: boolean;
  /** For source images: the `file:` or `dir:` they come from. */
  sourcePath?: string;
  seed?: number;
  costUsd?: number;
  /** A segment's real length: its clip's, once built. */
  durationSec?: number;
  /** A segment's declared `duration`, shown while its clip's length is unknown. */
  askedSec?: number;
  /** A one-keyframe segment: where in the clip its keyframe is. */
  position?: KeyframePosition;
  takes: Take[];
  /** Takes can be chosen: where `pick:` is (or goes) in the file. */
  pickAt?: { line: number; hasPick: boolean };
  inputs: InputThumb[];
  versions: Version[];
}

export interface TimelineEntry {
  segment: NodeView;
  first?: InputThumb;
  last?: InputThumb;
  /** A one-keyframe segment's keyframe at `position: middle`: neither end. */
  middle?: InputThumb;
  /** The first keyframe is the previous entry's last one: shown once. */
  joined: boolean;
  /** Seconds into the film (its recorded cut, else the cut its clips' real lengths make); undefined when unknown. */
  startSec?: number;
  /** Seconds the segment lasts in the film. */
  durationSec?: number;
}

export interface FilmView {
  name: string;
  asset: Asset;
  badge: Badge;
  path: string;
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
  /** Outputs shown that the draft renderer made, of all outputs shown. */
  draft?: { count: number; of: number };
  /** sha256 of the project file the page shows (a pick is refused once the file changed). */
  projectHash?: string;
  film?: FilmView;
  /** Segments in story order. */
  timeline: TimelineEntry[];
  runningTimeSec?: number;
  /** Shots in story order, for the timeline of a project without segments. */
  shotline: NodeView[];
  /** References and the style frame. */
  references: NodeView[];
  shots: NodeView[];
  segments: NodeView[];
}

export interface ViewInput {
  project: ResolvedProject;
  records: Map<string, NodeRecord>;
  status: Map<string, StatusEntry>;
  failures?: Map<string, Failure>;
  /** Earlier generations by node (the content cache's key records), any order. */
  history?: Map<string, NodeRecord[]>;
  /** The project file's text when the page was made. */
  projectText?: string;
}

/** Shown per node at most: the page stays light with a long history. */
const MAX_VERSIONS = 8;

/**
 * Files (relative to the project root) a node shows, by take (1-based): its recorded outputs that
 * are its own takes, else its source images.
 */
function nodeFiles(node: ProjectNode, record: NodeRecord | undefined, own: OwnOutputs): { index: number; file: string }[] {
  if (record && record.outputs.length > 0) {
    const planned = own(node.name);
    return record.outputs.flatMap((o, i) => (isOwnTake(planned?.[i], o.path) ? [{ index: i + 1, file: o.path }] : []));
  }
  if (node.kind === 'segment') return [];
  return (node.dirFiles ?? (node.file ? [node.file] : [])).map((file, i) => ({ index: i + 1, file }));
}

/** Where each node writes its takes (the graph's planned outputs, extension-less where the bytes decide it). */
type OwnOutputs = (node: string) => string[] | undefined;

function ownOutputs(project: ResolvedProject): OwnOutputs {
  let graph: ReturnType<typeof buildGraph> | undefined;
  try {
    graph = buildGraph(project);
  } catch {
    graph = undefined;
  }
  return (node) => graph?.nodes.get(node)?.outputs;
}

/** An image or a video by its extension: never markup (`.html`, `.svg`) the page would link to. */
function isShownMedia(file: string): boolean {
  const type = mediaTypeOf(file);
  return (type.startsWith('image/') && type !== 'image/svg+xml') || type.startsWith('video/');
}

/** A recorded output at the node's planned path for that take (with the extension of its bytes), and media. */
function isOwnTake(planned: string | undefined, file: string): boolean {
  if (planned === undefined || !isShownMedia(file)) return false;
  if (/\.[a-z0-9]+$/i.test(planned.split('/').pop()!)) return file === planned;
  return file.startsWith(`${planned}.`) && /^[a-z0-9]+$/i.test(file.slice(planned.length + 1));
}

/** Every file the page shows: outputs and sources from the workspace, earlier versions from the cache. */
export function gallerySources(input: ViewInput): AssetSource[] {
  const { project, records } = input;
  const root = project.root;
  const own = ownOutputs(project);
  const workspace = [
    ...project.nodes.flatMap((n) => nodeFiles(n, records.get(n.name), own).map((t) => t.file)),
    ...(filmRecord(records)?.outputs.map((o) => o.path).filter(isShownMedia) ?? []),
  ];
  const cached = [...versionsOf(input).values()].flat().flatMap((r) => r.outputs.flatMap((o) => cacheSource(root, o.sha256, o.path)));
  const sources = new Set(project.nodes.flatMap((n) => (n.kind === 'segment' ? [] : [...(n.file !== undefined ? [n.file] : []), ...(n.dirFiles ?? [])])));
  return [...workspace.map((rel) => ({ id: rel, file: path.resolve(root, rel), ext: path.extname(rel), source: sources.has(rel) })), ...cached];
}

function cacheSource(root: string, sha256: string, outPath: string): AssetSource[] {
  const ext = path.extname(outPath).toLowerCase();
  if (!/^\.[a-z0-9]{1,8}$/.test(ext) || !isShownMedia(outPath) || !/^[0-9a-f]{64}$/.test(sha256)) return [];
  return [{ id: cacheId(sha256), file: blobPath(root, sha256), ext }];
}

const cacheId = (sha256: string) => `cache:${sha256}`;

export function buildView(input: ViewInput, assets: Map<string, Asset>): GalleryView {
  const { project, records } = input;
  const byName = new Map(project.nodes.map((n) => [n.name, n]));
  const versions = versionsOf(input);
  const pickAt = input.projectText === undefined ? undefined : pickLocator(input.projectText);
  const own = ownOutputs(project);
  const cards = new Map(project.nodes.map((n) => [n.name, nodeCard(n, input, assets, versions.get(n.name) ?? [], pickAt, own)]));
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
  const segments = views.filter((v) => v.kind === 'segment');
  const { timeline, runningTimeSec } = timelineOf(segments, project.films[0], filmRecord(records));
  const film = filmView(input, assets);
  const shown = views.filter((v) => v.takes.length > 0 && !v.sourcePath);
  const drafts = shown.filter((v) => v.draft).length;
  return {
    name: project.name,
    totals: totalsOf(views, records),
    draft: drafts ? { count: drafts, of: shown.length } : undefined,
    projectHash: input.projectText === undefined ? undefined : projectHash(input.projectText),
    film,
    timeline,
    runningTimeSec,
    shotline: views.filter((v) => v.kind === 'shot'),
    references: views.filter((v) => v.kind === 'reference' || v.kind === 'style'),
    shots: views.filter((v) => v.kind === 'shot'),
    segments,
  };
}

export function anchorOf(name: string): string {
  return `n-${name}`;
}

/** The film's record: the `film` node (the cut of the segments) once it has been assembled. */
function filmRecord(records: Map<string, NodeRecord>): NodeRecord | undefined {
  const rec = records.get('film');
  return rec?.kind === 'film' && rec.outputs.length > 0 ? rec : undefined;
}

function filmView(input: ViewInput, assets: Map<string, Asset>): FilmView | undefined {
  const rec = filmRecord(input.records);
  const out = rec?.outputs[0];
  const asset = out && isShownMedia(out.path) ? assets.get(out.path) : undefined;
  if (!rec || !out || !asset) return undefined;
  const status = input.status.get(rec.node)?.status;
  return { name: rec.node, asset, badge: badgeOf(status, input.failures?.has(rec.node) ?? false, true, false), path: out.path };
}

/**
 * Segments in the film's order (those it leaves out after), timed by the film's recorded cut, or,
 * before the film has one, by the cut their clips' real lengths make (the assembler's own
 * computation). A segment the cut does not cover, or whose clip's length is unknown, has no time.
 */
function timelineOf(segments: NodeView[], film: FilmNode | undefined, rec: NodeRecord | undefined): { timeline: TimelineEntry[]; runningTimeSec?: number } {
  const byName = new Map(segments.map((s) => [s.name, s]));
  const inFilm = film ? film.segments.flatMap((r) => byName.get(r.name) ?? []) : segments;
  const ordered = [...inFilm, ...segments.filter((s) => !inFilm.includes(s))];
  const cut = recordedCut(rec) ?? plannedCut(inFilm, film);
  const times = new Map(cut?.map((c) => [c.segment, c]));
  let previousLast: string | undefined;
  const timeline = ordered.map((segment): TimelineEntry => {
    const { first, last, middle } = endsOf(segment);
    const at = times.get(segment.name);
    const entry: TimelineEntry = { segment, first, last, middle, joined: !!first && first.name === previousLast, startSec: at?.startSec, durationSec: at?.durationSec };
    previousLast = last?.name;
    return entry;
  });
  return { timeline, runningTimeSec: cut ? cutEnd(cut) : undefined };
}

/** The cut the film was assembled with, when its record holds a well-formed one. */
function recordedCut(rec: NodeRecord | undefined): FilmCut | undefined {
  const cut = rec?.cut as unknown;
  if (!Array.isArray(cut) || cut.length === 0) return undefined;
  const sec = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  const ok = cut.every((c) => typeof c === 'object' && c !== null && typeof c.segment === 'string' && sec(c.startSec) && sec(c.durationSec));
  return ok ? (cut as FilmCut) : undefined;
}

/** The cut the clips make once assembled: only when every clip's real length is known. */
function plannedCut(segments: NodeView[], film: FilmNode | undefined): FilmCut | undefined {
  const lengths = segments.map((s) => s.durationSec);
  if (segments.length === 0 || lengths.some((d) => d === undefined)) return undefined;
  const fade = film?.transition.type === 'crossfade' ? film.transition.duration : 0;
  return filmCut(segments.map((s) => s.name), lengths as number[], fade);
}

/** The keyframes at a segment's ends: a one-keyframe segment has it only at the end its `position` names. */
function endsOf(segment: NodeView): { first?: InputThumb; last?: InputThumb; middle?: InputThumb } {
  const keys = segment.inputs;
  if (keys.length > 1) return { first: keys[0], last: keys[keys.length - 1] };
  return segment.position === 'last' ? { last: keys[0] } : segment.position === 'middle' ? { middle: keys[0] } : { first: keys[0] };
}

function nodeCard(
  node: ProjectNode,
  input: ViewInput,
  assets: Map<string, Asset>,
  history: NodeRecord[],
  pickAt: ReturnType<typeof pickLocator> | undefined,
  own: OwnOutputs,
): NodeView {
  const record = input.records.get(node.name);
  const fields = record && fieldsOf(record);
  const entry = input.status.get(node.name);
  const failure = input.failures?.get(node.name);
  // The project's pick is what the user asked for; the page shows that choice.
  const pick = node.kind === 'segment' ? 1 : node.pick;
  const takes = nodeFiles(node, record, own).flatMap(({ index, file }) => {
    const asset = assets.get(file);
    return asset ? [{ index, asset, picked: index === pick }] : [];
  });
  const source = entry?.status === 'source' || (!record && node.kind !== 'segment' && !!(node.file || node.dir));
  const badge = badgeOf(entry?.status, failure !== undefined, takes.length > 0, source);
  const seed = fields?.seed ?? (node.kind === 'segment' ? undefined : node.seed);
  const pickable = node.kind !== 'segment' && !source && takes.length > 1;
  return {
    name: node.name,
    kind: node.kind,
    anchor: anchorOf(node.name),
    field: node.kind === 'style' ? 'style' : `${node.kind === 'reference' ? 'references' : node.kind === 'shot' ? 'shots' : 'segments'}.${node.name}`,
    badge,
    reasons: badge === 'stale' ? (entry?.reasons ?? []) : [],
    error: failure?.error,
    failedModel: failure ? (failure.model ?? node.model) : undefined,
    prompt: node.prompt,
    builtPrompt: fields?.prompt !== undefined && fields.prompt !== node.prompt ? fields.prompt : undefined,
    model: fields?.model ?? node.model,
    draft: record?.provider === 'draft',
    sourcePath: source && node.kind !== 'segment' ? (node.file ?? node.dir) : undefined,
    seed: source ? undefined : seed,
    costUsd: fields?.costUsd,
    durationSec: node.kind === 'segment' ? takes[0]?.asset.durationSec : undefined,
    askedSec: node.kind === 'segment' && !takes[0]?.asset.durationSec ? node.duration : undefined,
    position: node.kind === 'segment' && node.keyframes.length === 1 ? node.position : undefined,
    takes,
    pickAt: pickable && pickAt ? pickAt(node) : undefined,
    inputs: [],
    versions: history.flatMap((rec) => versionOf(rec, node, assets)),
  };
}

/** Earlier generations by node, newest first: not the current one, nor the same bytes again. */
function versionsOf(input: ViewInput): Map<string, NodeRecord[]> {
  const out = new Map<string, NodeRecord[]>();
  for (const [name, recs] of input.history ?? []) {
    const current = input.records.get(name);
    const currentShas = new Set(current?.outputs.map((o) => o.sha256));
    const seen = new Set<string>();
    const earlier = recs
      .filter((r) => r.key !== current?.key && !r.outputs.every((o) => currentShas.has(o.sha256)))
      .sort((a, b) => (fieldsOf(b).createdAt ?? '').localeCompare(fieldsOf(a).createdAt ?? ''))
      .filter((r) => {
        const id = r.outputs.map((o) => o.sha256).join();
        return !seen.has(id) && !!seen.add(id);
      });
    if (earlier.length) out.set(name, earlier.slice(0, MAX_VERSIONS));
  }
  return out;
}

function versionOf(rec: NodeRecord, node: ProjectNode, assets: Map<string, Asset>): Version[] {
  const shown = rec.outputs.flatMap((o) => assets.get(cacheId(o.sha256)) ?? []);
  if (shown.length === 0) return [];
  const f = fieldsOf(rec);
  return [{ createdAt: f.createdAt ?? 'unknown', model: f.model ?? 'unknown', prompt: f.prompt, seed: f.seed, assets: shown, restore: restoreLines(rec, node) }];
}

/** The fields of the node that differ from what made `rec`, as the YAML lines to put back. */
function restoreLines(rec: NodeRecord, node: ProjectNode): string[] {
  const lines: string[] = [];
  const f = fieldsOf(rec);
  if (f.prompt !== undefined && f.prompt !== node.prompt) lines.push(`prompt: ${JSON.stringify(f.prompt)}`);
  const seed = node.kind === 'segment' ? undefined : node.seed;
  if (node.kind !== 'segment' && (f.seedRequested ?? null) !== (seed ?? null)) {
    lines.push(f.seedRequested === undefined ? '# remove the seed: line' : `seed: ${f.seedRequested}`);
  }
  if (rec.provider === 'draft') lines.push('# a draft: build with --draft');
  else if (f.model !== undefined && f.model !== node.model) lines.push(`model: ${f.model}`);
  return lines;
}

/** The record's shown fields that have the type they should; the others are left out. */
function fieldsOf(rec: NodeRecord): { model?: string; prompt?: string; costUsd?: number; createdAt?: string; seed?: number; seedRequested?: number } {
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const int = (v: unknown) => (Number.isSafeInteger(v) ? (v as number) : undefined);
  const cost = rec.costUsd as unknown;
  return {
    model: text(rec.model),
    prompt: text(rec.prompt),
    costUsd: typeof cost === 'number' && Number.isFinite(cost) && cost >= 0 ? cost : undefined,
    createdAt: text(rec.createdAt),
    seed: int(rec.seed),
    seedRequested: int(rec.seedRequested),
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
  if (node.kind === 'segment') return (node as SegmentNode).keyframes.map((k) => ({ role: 'keyframe', name: k.name }));
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
  const spentUsd = views.reduce((sum, v) => {
    const rec = records.get(v.name);
    return sum + ((rec && fieldsOf(rec).costUsd) ?? 0);
  }, 0);
  return {
    built: count('uptodate', 'modified'),
    stale: count('stale'),
    missing: count('missing'),
    failed: count('failed'),
    spentUsd,
  };
}
