// Model id -> provider routing (`<provider>:` prefix or the id's shape) and model-table lookup, with
// generic rows for unknown ids. The rows and shapes are the providers' own (registry.ts).
import { FILM_ASSEMBLER } from './film/descriptor.js';
import { descriptor, PROVIDERS } from './registry.js';
import type { ModelInfo, Price, ProviderId } from './types.js';

/** Every row of every provider: the model table. */
export const MODELS: readonly ModelInfo[] = PROVIDERS.flatMap((p) => p.models);

/** Rows by `provider:id`: the same id may be served by two providers (ImageRouter resells OpenAI's). */
const BY_KEY = new Map(MODELS.map((m) => [`${m.provider}:${m.id}`, m]));

/** Every id in the model table as a user writes it, for "did you mean" hints. */
export function modelIds(): string[] {
  return MODELS.map((m) => canonicalModel(`${m.provider}:${m.id}`));
}

export interface ModelRoute {
  provider: ProviderId;
  /** The id the provider is sent (the written id without its `<provider>:` prefix). */
  name: string;
}

/** Providers a user may name as `<provider>:<model>` (the offline renderer is just `draft`): those with rows of their own. */
export const PREFIXED = PROVIDERS.filter((p) => p.named && p.id !== 'draft').map((p) => p.id);

/** How ids route, for errors about one that does not. */
export const ROUTING_HINT = [
  ...PROVIDERS.flatMap((p) => (p.shapeHint ? [p.shapeHint] : [])),
  `any id may be written \`<provider>:<model>\` (${PREFIXED.join(', ')})`,
  '`draft` is the offline renderer',
].join('; ');

const PREFIX = new RegExp(`^(${PREFIXED.join('|')}):(.+)$`);

/** The first provider in registry order whose shape an unprefixed id has. */
function byShape(id: string): ProviderId | undefined {
  return PROVIDERS.find((p) => p.shape?.test(id))?.id;
}

/** Routes by id, asked several times per node: a 10,000-shot project names a handful of models. */
const routes = new Map<string, ModelRoute | undefined>();

/** An explicit `<provider>:` prefix always wins, so no id is ambiguous; otherwise the id's shape routes it. */
export function routeModel(modelId: string): ModelRoute | undefined {
  if (routes.has(modelId)) return routes.get(modelId);
  const m = PREFIX.exec(modelId);
  const provider = m ? (m[1] as ProviderId) : byShape(modelId);
  const route = provider ? Object.freeze({ provider, name: m ? m[2] : modelId }) : undefined;
  routes.set(modelId, route);
  return route;
}

export function routeProvider(modelId: string): ProviderId | undefined {
  return routeModel(modelId)?.provider;
}

/**
 * The one spelling of a model: the prefix dropped where the shape routes the same way, so
 * `fal:fal-ai/flux/dev` and `fal-ai/flux/dev` share a key, a record and a price.
 */
export function canonicalModel(modelId: string): string {
  const r = routeModel(modelId);
  if (!r) return modelId;
  return byShape(r.name) === r.provider ? r.name : `${r.provider}:${r.name}`;
}

export interface ModelLookup {
  info: ModelInfo;
  /** False when the id is not in the table: generic mapping, no cost estimate. */
  known: boolean;
}

/** The table row for a model id; unknown ids under a known provider get a generic row. */
export function lookupModel(modelId: string, media: 'image' | 'video'): ModelLookup | undefined {
  if (modelId === FILM_ASSEMBLER.id && media === 'video') return { info: FILM_ASSEMBLER, known: true };
  const route = routeModel(modelId);
  if (!route) return undefined;
  const { provider, name } = route;
  if (provider === 'draft') {
    const info: ModelInfo = { ...descriptor('draft').models[0], media, task: media === 'video' ? 'flf2v' : 'edit' };
    return { info, known: true };
  }
  const row = BY_KEY.get(`${provider}:${name}`);
  if (row) return { info: row, known: true };
  const generic = descriptor(provider).genericRow;
  return generic ? { info: generic(name, media), known: false } : undefined;
}

/** The row that will serve a request with `images` input/reference images: a text-to-image model switches to its edit variant. */
export function withImages(info: ModelInfo, images: number): ModelInfo {
  if (images === 0 || !info.editVariant || takesImages(info)) return info;
  return BY_KEY.get(`${info.provider}:${info.editVariant}`) ?? info;
}

/** Whether input or reference images reach the model at all (Google and draft take them inline, others through a field). */
export function takesImages(info: ModelInfo): boolean {
  if (descriptor(info.provider).inlineImages) return true;
  return info.imageField !== undefined || info.imageListField !== undefined;
}

/** How many takes one generation can return: as many as the request may ask for (any where unpublished, or where the provider repeats it), else one. */
export function maxTakes(info: ModelInfo): number {
  if (descriptor(info.provider).repeats) return Infinity;
  return info.numImages ? (info.maxImages ?? Infinity) : 1;
}

/** Whether the model's provider publishes this input field as required (fal's catalogue); false where unknown. */
export function requiresField(info: ModelInfo, field: string | undefined): boolean {
  return field !== undefined && descriptor(info.provider).catalogue?.input(info.id)?.[field]?.required === true;
}

/**
 * Which of a segment's keyframes (by index) reach the model: all of them with last-frame support
 * (and the draft renderer), else the one `position` picks.
 */
export function keyframesSent(count: number, info: ModelInfo | undefined, position: 'first' | 'middle' | 'last'): number[] {
  const all = Array.from({ length: count }, (_, i) => i);
  if (count <= 1 || info?.lastFrameField || info?.provider === 'draft') return all;
  return [position === 'last' ? count - 1 : position === 'middle' ? Math.floor((count - 1) / 2) : 0];
}

/** The seconds a model makes when a segment states none: what aivp sends, times and estimates. */
export function defaultDuration(info: ModelInfo): number | undefined {
  return info.defaultDuration ?? info.durations?.[0];
}

export interface CostInput {
  width?: number;
  height?: number;
  numImages: number;
  durationSeconds?: number;
  /** A segment's `audio`; undefined: the row's default. */
  audio?: boolean;
}

/** Estimated USD, or undefined when the model has no price (unknown id without an override). */
export function estimateCost(info: ModelInfo, what: CostInput, override?: Price): number | undefined {
  const price = { ...info.price, ...override };
  if (descriptor(info.provider).free) return 0;
  if (price.per_second !== undefined && info.media === 'video') {
    // With its own sound the clip costs what the table says for sound; unknown if it says nothing.
    const sound = info.audio !== undefined && (what.audio ?? info.audio);
    const perSecond = sound ? price.per_second_audio : price.per_second;
    return perSecond === undefined ? undefined : round(perSecond * (what.durationSeconds ?? defaultDuration(info) ?? 5));
  }
  if (price.per_image !== undefined) return round(price.per_image * what.numImages);
  if (price.per_megapixel !== undefined) {
    const mp = ((what.width ?? 1024) * (what.height ?? 1024)) / 1_000_000;
    return round(price.per_megapixel * Math.max(mp, 1) * what.numImages);
  }
  return undefined;
}

function round(usd: number): number {
  return Math.round(usd * 10_000) / 10_000;
}

export type ModelStatus = 'ga' | 'preview' | 'deprecated' | 'retired';

/** Today as the table's dates are written (UTC), for lifecycle checks; tests pass their own. */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** A model's status on a given day: its shutdown date decides once it has one. */
export function modelStatus(info: ModelInfo, on: string = today()): ModelStatus {
  const life = info.lifecycle;
  if (!life) return 'ga';
  if (life.shutdown !== undefined) return life.shutdown <= on ? 'retired' : 'deprecated';
  return life.status;
}
