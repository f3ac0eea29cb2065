// The row of a fal model the table does not list, read from its catalogued input type: images go
// to the fields the endpoint has (so any catalogued first+last-frame model gets both frames), and
// size, seed, takes, durations and sound are sent only where it takes them. No price: no estimate.
import type { PublishedInput } from '../published.js';
import type { ModelInfo } from '../types.js';
import { falEndpoint } from './catalogue.js';
import { DEFAULT_RATIOS } from './models.js';

// fal's own field names, most usual first.
const FIRST_FRAME = ['image_url', 'start_image_url', 'first_frame_url'];
const LAST_FRAME = ['end_image_url', 'tail_image_url', 'last_frame_url'];

export function falGenericRow(id: string, media: 'image' | 'video'): ModelInfo {
  const type = falEndpoint(id);
  // Published after the pinned catalogue (a project may still name it under `fal:`): assume the usual.
  if (!type) {
    return media === 'video'
      ? { id, provider: 'fal', task: 'i2v', media, size: 'none', imageField: 'image_url', aspectRatios: DEFAULT_RATIOS, price: {} }
      : { id, provider: 'fal', task: 't2i', media, size: 'image_size', imageField: 'image_url', seed: true, numImages: true, price: {} };
  }
  const has = (f: string) => Object.hasOwn(type, f);
  const ratios = aspectRatios(type);
  const common = {
    id, provider: 'fal' as const, media, price: {},
    size: has('image_size') ? ('image_size' as const) : ratios && media === 'image' ? ('aspect_ratio' as const) : ('none' as const),
    aspectRatios: ratios,
    seed: has('seed'),
    numImages: has('num_images') || undefined,
    maskField: has('mask_url') ? 'mask_url' : undefined,
  };
  if (media === 'image') {
    const imageListField = has('image_urls') ? 'image_urls' : undefined;
    const imageField = imageListField ? undefined : FIRST_FRAME.find(has);
    const task = common.maskField ? 'inpaint' : imageListField || imageField ? 'edit' : 't2i';
    return { ...common, task, imageField, imageListField };
  }
  const lastFrameField = LAST_FRAME.find(has);
  return {
    ...common,
    task: lastFrameField ? 'flf2v' : 'i2v',
    imageField: FIRST_FRAME.find(has),
    lastFrameField,
    ...durations(type),
    // Sound is the user's choice where the model offers it; silent unless `params` ask.
    audio: has('generate_audio') ? false : undefined,
  };
}

/** A ratio enum (`auto` and other words left out), the usual ratios for free text, none without the field. */
function aspectRatios(type: PublishedInput): string[] | undefined {
  const field = type.aspect_ratio;
  if (!field) return undefined;
  if (!field.values) return DEFAULT_RATIOS;
  const ratios = field.values.filter((v): v is string => typeof v === 'string' && /^\d+:\d+$/.test(v));
  return ratios.length > 0 ? ratios : undefined;
}

/** The catalogued durations (`5`, `"5"` or `"5s"`) and how they are written; none when it has no `duration`. */
function durations(type: PublishedInput): Pick<ModelInfo, 'durations' | 'durationFormat'> {
  const field = type.duration;
  if (!field) return { durationFormat: 'none' };
  const values = field.values ?? [];
  const seconds = values.map((v) => Number(String(v).replace(/s$/, ''))).filter((n) => Number.isFinite(n) && n > 0);
  const format = typeof values[0] === 'number' || (!field.values && field.kind.includes('number'))
    ? 'number' : String(values[0] ?? '').endsWith('s') ? 'seconds' : 'string';
  return { durations: seconds.length > 0 ? seconds : undefined, durationFormat: format };
}
