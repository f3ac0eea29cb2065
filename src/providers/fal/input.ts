// GenerateRequest -> the JSON input of a fal model, following its model-table row.
import { defaultDuration } from '../models.js';
import { nearestAspectRatio, resolveSize } from '../size.js';
import type { GenerateRequest, ModelInfo } from '../types.js';
import { DEFAULT_RATIOS } from './models.js';

/** Images of a request already turned into URLs fal can fetch. */
export interface ImageUrls {
  input?: string;
  refs: string[];
  mask?: string;
  keyframes: string[];
}

export type FalInputRequest = Pick<
  GenerateRequest,
  'model' | 'prompt' | 'seed' | 'size' | 'numImages' | 'duration' | 'aspectRatio' | 'audio' | 'params'
>;

const PRESET_IMAGE_SIZE = { square: 'square_hd', portrait: 'portrait_4_3', landscape: 'landscape_4_3' } as const;

export function falInput(req: FalInputRequest, urls: ImageUrls): Record<string, unknown> {
  const m = req.model;
  const input: Record<string, unknown> = {};
  if (req.prompt !== undefined) input[m.promptField ?? 'prompt'] = req.prompt;
  Object.assign(input, sizeFields(m, req.size));
  if (req.seed !== undefined && m.seed !== false) input.seed = req.seed;
  if (m.numImages) input.num_images = req.numImages;

  const [first, last] = urls.keyframes;
  if (first !== undefined) {
    if (m.imageField) input[m.imageField] = first;
    else if (m.imageListField) input[m.imageListField] = [first];
    if (last !== undefined && m.lastFrameField) input[m.lastFrameField] = last;
  } else {
    const images = [urls.input, ...urls.refs].filter((u): u is string => u !== undefined);
    if (images.length > 0) {
      if (m.imageListField) input[m.imageListField] = images;
      else if (m.imageField) input[m.imageField] = images[0];
    }
  }
  if (urls.mask !== undefined && m.maskField) input[m.maskField] = urls.mask;

  // Always sent: the provider's default would otherwise decide the length, the film and the bill.
  const seconds = req.duration ?? defaultDuration(m);
  if (seconds !== undefined && m.durationFormat !== 'none') input.duration = formatDuration(seconds, m.durationFormat);
  // A video model without aspect ratios takes none; one with them takes only those.
  const ratio = req.aspectRatio === undefined ? undefined : resolveSize(req.aspectRatio);
  if (ratio && m.aspectRatios) input.aspect_ratio = nearestAspectRatio(ratio.width, ratio.height, m.aspectRatios);
  if (m.strength !== undefined) input.strength = m.strength;
  if (m.audio !== undefined) input.generate_audio = req.audio ?? m.audio;
  return { ...input, ...req.params };
}

function sizeFields(m: ModelInfo, size: FalInputRequest['size']): Record<string, unknown> {
  if (!size) return {};
  if (m.size === 'image_size') {
    const preset = size.name ? PRESET_IMAGE_SIZE[size.name as keyof typeof PRESET_IMAGE_SIZE] : undefined;
    return { image_size: preset ?? { width: size.width, height: size.height } };
  }
  if (m.size === 'aspect_ratio') {
    return { aspect_ratio: nearestAspectRatio(size.width, size.height, m.aspectRatios ?? DEFAULT_RATIOS) };
  }
  return {};
}

function formatDuration(seconds: number, format: Exclude<ModelInfo['durationFormat'], 'none'>): number | string {
  if (format === 'number') return seconds;
  if (format === 'seconds') return `${seconds}s`;
  return String(seconds);
}
