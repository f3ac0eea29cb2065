// fal.ai's rows of the model table: how project fields map onto each endpoint's inputs, and its price.
// Prices are unverified estimates (USD); a project overrides them under `prices:`. Every id is an
// endpoint of fal's catalogue (catalogue.json), and every request a row makes is checked against
// it (test/providers/fal-contract.test.ts).
import type { ModelInfo } from '../types.js';

/** Where the older rows' prices come from; the rows read from fal's pages say so themselves. */
const ESTIMATES = "fal's pricing as noted in PROVIDERS.md (unverified), 2026-12";
const PAGES = 'fal.ai/models/<id>, read 2026-12-03';

const NANO_RATIOS = ['21:9', '16:9', '3:2', '4:3', '5:4', '1:1', '4:5', '3:4', '2:3', '9:16'];
/** The ratios a model is sent when nothing says which it takes. */
export const DEFAULT_RATIOS = NANO_RATIOS;
// FLUX Kontext [pro] and fal's Veo take only these.
const KONTEXT_RATIOS = ['21:9', '16:9', '4:3', '3:2', '1:1', '2:3', '3:4', '9:16', '9:21'];
const VEO_RATIOS = ['16:9', '9:16'];

const fluxT2i = (id: string, perMp: number, editVariant?: string): ModelInfo => ({
  id, provider: 'fal', task: 't2i', media: 'image', size: 'image_size', seed: true, numImages: true,
  editVariant, price: { per_megapixel: perMp },
});

const KLING_V3_SECONDS = [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

const kling = (id: string, fields: Partial<ModelInfo>, perSecond: number): ModelInfo => ({
  id, provider: 'fal', task: fields.lastFrameField ? 'flf2v' : 'i2v', media: 'video', size: 'none',
  imageField: 'image_url', durations: [5, 10], durationFormat: 'string',
  price: { per_second: perSecond }, ...fields,
});

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const SEEDANCE_RATIOS = ['21:9', '16:9', '4:3', '1:1', '3:4', '9:16'];

const seedance = (id: string, fields: Partial<ModelInfo>, perSecond: number): ModelInfo => ({
  id, provider: 'fal', task: fields.lastFrameField ? 'flf2v' : 'i2v', media: 'video', size: 'none',
  imageField: 'image_url', durations: range(2, 12), defaultDuration: 5, durationFormat: 'string',
  aspectRatios: SEEDANCE_RATIOS, seed: true, price: { per_second: perSecond }, priceSource: PAGES, ...fields,
});

// LTX 2.3 makes sound unless told not to, at the same price: sent silent, as clip audio is opt-in.
const ltx = (id: string, perSecond: number): ModelInfo => ({
  id, provider: 'fal', task: 'flf2v', media: 'video', size: 'none', imageField: 'image_url',
  lastFrameField: 'end_image_url', durations: [6, 8, 10], durationFormat: 'string', aspectRatios: VEO_RATIOS,
  audio: false, price: { per_second: perSecond, per_second_audio: perSecond }, priceSource: PAGES,
});

const ROWS: ModelInfo[] = [
  // fal: text to image
  {
    id: 'fal-ai/nano-banana-pro', provider: 'fal', task: 't2i', media: 'image', size: 'aspect_ratio',
    aspectRatios: NANO_RATIOS, seed: true, numImages: true, editVariant: 'fal-ai/nano-banana-pro/edit',
    price: { per_image: 0.15 },
  },
  {
    id: 'fal-ai/nano-banana-pro/edit', provider: 'fal', task: 'edit', media: 'image', size: 'aspect_ratio',
    aspectRatios: NANO_RATIOS, imageListField: 'image_urls', maxRefs: 14, seed: true, numImages: true,
    price: { per_image: 0.15 },
  },
  fluxT2i('fal-ai/flux/dev', 0.025, 'fal-ai/flux/dev/image-to-image'),
  fluxT2i('fal-ai/flux/schnell', 0.003),
  fluxT2i('fal-ai/flux-2/turbo', 0.008),
  {
    id: 'fal-ai/ideogram/v3', provider: 'fal', task: 't2i', media: 'image', size: 'image_size', seed: true,
    numImages: true, price: { per_image: 0.06 },
  },
  // fal: image to image and editing
  {
    id: 'fal-ai/flux/dev/image-to-image', provider: 'fal', task: 'i2i', media: 'image', size: 'none',
    imageField: 'image_url', strength: 0.75, seed: true, numImages: true, price: { per_megapixel: 0.025 },
  },
  {
    id: 'fal-ai/flux-general/inpainting', provider: 'fal', task: 'inpaint', media: 'image', size: 'image_size',
    imageField: 'image_url', maskField: 'mask_url', seed: true, numImages: true, price: { per_megapixel: 0.025 },
  },
  {
    // FLUX Kontext [dev] sizes its output from `resolution_mode`, not an aspect ratio.
    id: 'fal-ai/flux-kontext/dev', provider: 'fal', task: 'edit', media: 'image', size: 'none',
    imageField: 'image_url', maxRefs: 1, seed: true, numImages: true,
    price: { per_image: 0.04 },
  },
  {
    id: 'fal-ai/flux-pro/kontext', provider: 'fal', task: 'edit', media: 'image', size: 'aspect_ratio',
    aspectRatios: KONTEXT_RATIOS, imageField: 'image_url', maxRefs: 1, seed: true, numImages: true,
    price: { per_image: 0.04 },
  },
  {
    id: 'fal-ai/flux-pro/kontext/text-to-image', provider: 'fal', task: 't2i', media: 'image', size: 'aspect_ratio',
    aspectRatios: KONTEXT_RATIOS, seed: true, numImages: true, editVariant: 'fal-ai/flux-pro/kontext',
    price: { per_image: 0.04 },
  },
  {
    id: 'bria/fibo-edit/edit', provider: 'fal', task: 'edit', media: 'image', size: 'none',
    imageField: 'image_url', promptField: 'instruction', maxRefs: 1, seed: true, price: { per_image: 0.04 },
  },
  // fal: upscalers (no prompt)
  {
    id: 'fal-ai/aura-sr', provider: 'fal', task: 'upscale', media: 'image', size: 'none',
    imageField: 'image_url', maxRefs: 0, seed: false, price: { per_image: 0.01 },
  },
  {
    id: 'fal-ai/clarity-upscaler', provider: 'fal', task: 'upscale', media: 'image', size: 'none',
    imageField: 'image_url', maxRefs: 0, seed: true, price: { per_megapixel: 0.03 },
  },
  // fal: video
  kling('fal-ai/kling-video/v2.1/master/image-to-video', {}, 0.28),
  kling('fal-ai/kling-video/v2.1/standard/image-to-video', {}, 0.05),
  kling('fal-ai/kling-video/v2/master/image-to-video', {}, 0.28),
  kling('fal-ai/kling-video/v2.5-turbo/pro/image-to-video', { lastFrameField: 'tail_image_url' }, 0.07),
  // Unlike Turbo Pro, Turbo Standard takes no last frame.
  kling('fal-ai/kling-video/v2.5-turbo/standard/image-to-video', {}, 0.042),
  // Kling 2.6 and v3 make sound unless told not to: sent silent unless a segment asks (`audio: true`).
  kling('fal-ai/kling-video/v2.6/pro/image-to-video',
    { imageField: 'start_image_url', lastFrameField: 'end_image_url', audio: false, price: { per_second: 0.07, per_second_audio: 0.14 } }, 0.07),
  kling('fal-ai/kling-video/v3/pro/image-to-video',
    { imageField: 'start_image_url', lastFrameField: 'end_image_url', durations: KLING_V3_SECONDS, defaultDuration: 5, audio: false }, 0.168),
  kling('fal-ai/kling-video/v3/standard/image-to-video',
    { imageField: 'start_image_url', lastFrameField: 'end_image_url', durations: KLING_V3_SECONDS, defaultDuration: 5, audio: false }, 0.112),
  // fal's Veo makes sound unless told not to: $0.20/s silent, $0.40/s with sound (fal's pages).
  {
    id: 'fal-ai/veo3/image-to-video', provider: 'fal', task: 'i2v', media: 'video', size: 'none',
    imageField: 'image_url', durations: [4, 6, 8], defaultDuration: 8, durationFormat: 'seconds', aspectRatios: VEO_RATIOS,
    seed: true, audio: false, price: { per_second: 0.2, per_second_audio: 0.4 },
    // Still in the pinned catalogue, but dropped from fal-js after 2026-08 (PROVIDERS.md).
    lifecycle: { status: 'deprecated', replacement: 'fal-ai/veo3.1/image-to-video', source: 'fal-ai/fal-js main branch, read 2026-12-03' },
  },
  {
    id: 'fal-ai/veo3.1/image-to-video', provider: 'fal', task: 'i2v', media: 'video', size: 'none',
    imageField: 'image_url', durations: [4, 6, 8], defaultDuration: 8, durationFormat: 'seconds', aspectRatios: VEO_RATIOS,
    seed: true, audio: false, price: { per_second: 0.2, per_second_audio: 0.4 },
  },
  {
    id: 'fal-ai/veo3.1/first-last-frame-to-video', provider: 'fal', task: 'flf2v', media: 'video', size: 'none',
    imageField: 'first_frame_url', lastFrameField: 'last_frame_url', durations: [4, 6, 8], defaultDuration: 8,
    durationFormat: 'seconds', aspectRatios: VEO_RATIOS, seed: true, audio: false, price: { per_second: 0.2, per_second_audio: 0.4 },
  },
  // Seedance, Wan and LTX, the skills' video models: priced at each endpoint's default resolution
  // (fal.ai/models/<id>, read 2026-12-03); a first and a last frame where the endpoint takes one.
  seedance('fal-ai/bytedance/seedance/v1/pro/image-to-video', { lastFrameField: 'end_image_url' }, 0.124),
  seedance('fal-ai/bytedance/seedance/v1/pro/fast/image-to-video', {}, 0.0486),
  seedance('fal-ai/bytedance/seedance/v1.5/pro/image-to-video',
    { lastFrameField: 'end_image_url', durations: range(4, 12), audio: false, price: { per_second: 0.026, per_second_audio: 0.052 } }, 0.026),
  {
    id: 'fal-ai/wan/v2.7/image-to-video', provider: 'fal', task: 'flf2v', media: 'video', size: 'none',
    imageField: 'image_url', lastFrameField: 'end_image_url', durations: range(2, 15), defaultDuration: 5,
    durationFormat: 'string', seed: true, price: { per_second: 0.15 }, priceSource: PAGES,
  },
  ltx('fal-ai/ltx-2.3/image-to-video', 0.06),
  ltx('fal-ai/ltx-2.3/image-to-video/fast', 0.04),
  {
    id: 'fal-ai/minimax/hailuo-02/standard/image-to-video', provider: 'fal', task: 'flf2v', media: 'video', size: 'none',
    imageField: 'image_url', lastFrameField: 'end_image_url', durations: [6, 10], durationFormat: 'string',
    price: { per_second: 0.045 },
  },
  {
    id: 'fal-ai/minimax/hailuo-02/pro/image-to-video', provider: 'fal', task: 'flf2v', media: 'video', size: 'none',
    // Its clip length is fixed (6 s by fal's page): it takes no duration.
    imageField: 'image_url', lastFrameField: 'end_image_url', durations: [6], durationFormat: 'none', price: { per_second: 0.08 },
  },
];

export const FAL_MODELS: ModelInfo[] = ROWS.map((m) => ({ priceSource: ESTIMATES, ...m }));
