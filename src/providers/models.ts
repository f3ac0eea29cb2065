// Model id -> provider routing and model-table lookup, with generic rows for unknown ids.
import { MODELS } from './model-table.js';
import type { ModelInfo, Price, ProviderId } from './types.js';

const BY_ID = new Map(MODELS.map((m) => [m.id, m]));

/** Every id in the model table, for "did you mean" hints. */
export function modelIds(): string[] {
  return [...BY_ID.keys()];
}

/** The film's assembler: local and free, never a model a user names. */
export const FILM_ASSEMBLER: ModelInfo = { id: 'ffmpeg', provider: 'film', task: 'assemble', media: 'video', price: {} };

/** `draft` -> draft; `gemini-`, `imagen-`, `veo-` -> google; `owner/app…` -> fal. */
export function routeProvider(modelId: string): ProviderId | undefined {
  if (modelId === 'draft') return 'draft';
  if (/^(gemini|imagen|veo)-/.test(modelId)) return 'google';
  if (/^[\w.-]+\/[\w.-]+/.test(modelId)) return 'fal';
  return undefined;
}

export interface ModelLookup {
  info: ModelInfo;
  /** False when the id is not in the table: generic mapping, no cost estimate. */
  known: boolean;
}

/** The table row for a model id; unknown ids under a known provider get a generic row. */
export function lookupModel(modelId: string, media: 'image' | 'video'): ModelLookup | undefined {
  if (modelId === FILM_ASSEMBLER.id && media === 'video') return { info: FILM_ASSEMBLER, known: true };
  const provider = routeProvider(modelId);
  if (!provider) return undefined;
  if (provider === 'draft') {
    const info: ModelInfo = { ...BY_ID.get('draft')!, media, task: media === 'video' ? 'flf2v' : 'edit' };
    return { info, known: true };
  }
  const row = BY_ID.get(modelId);
  if (row) return { info: row, known: true };
  const generic: ModelInfo = media === 'video'
    ? { id: modelId, provider, task: 'i2v', media, size: 'none', imageField: 'image_url', price: {} }
    : { id: modelId, provider, task: 't2i', media, size: provider === 'fal' ? 'image_size' : 'aspect_ratio',
        imageField: 'image_url', seed: true, numImages: true, price: {} };
  return { info: generic, known: false };
}

/** The row that will serve a request with `images` input/reference images: a text-to-image model switches to its edit variant. */
export function withImages(info: ModelInfo, images: number): ModelInfo {
  if (images === 0 || !info.editVariant || takesImages(info)) return info;
  return BY_ID.get(info.editVariant) ?? info;
}

/** Whether input or reference images reach the model at all (Google and draft take them inline). */
export function takesImages(info: ModelInfo): boolean {
  return info.provider !== 'fal' || info.imageField !== undefined || info.imageListField !== undefined;
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

export interface CostInput {
  width?: number;
  height?: number;
  numImages: number;
  durationSeconds?: number;
}

/** Estimated USD, or undefined when the model has no price (unknown id without an override). */
export function estimateCost(info: ModelInfo, what: CostInput, override?: Price): number | undefined {
  const price = { ...info.price, ...override };
  if (info.provider === 'draft' || info.provider === 'film') return 0;
  if (price.per_second !== undefined && info.media === 'video') {
    return round(price.per_second * (what.durationSeconds ?? info.durations?.[0] ?? 5));
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
