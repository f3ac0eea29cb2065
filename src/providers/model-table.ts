// The model table: every model aivp knows, how project fields map onto its inputs, and its price.
// Prices are unverified estimates (USD); a project overrides them under `prices:`.
import type { ModelInfo } from './types.js';

const NANO_RATIOS = ['21:9', '16:9', '3:2', '4:3', '5:4', '1:1', '4:5', '3:4', '2:3', '9:16'];
const GEMINI_RATIOS = ['21:9', '16:9', '4:3', '3:2', '1:1', '2:3', '3:4', '4:5', '5:4', '9:16'];
const VIDEO_RATIOS = ['16:9', '9:16'];
/** Stable Image v2beta's aspect_ratio values (also for stability ids the table does not list). */
export const STABILITY_RATIOS = ['21:9', '16:9', '3:2', '5:4', '1:1', '4:5', '2:3', '9:16', '9:21'];
const GPT_IMAGE_SIZES = ['1024x1024', '1536x1024', '1024x1536'];

const fluxT2i = (id: string, perMp: number, editVariant?: string): ModelInfo => ({
  id, provider: 'fal', task: 't2i', media: 'image', size: 'image_size', seed: true, numImages: true,
  editVariant, price: { per_megapixel: perMp },
});

/** OpenAI image models: text to image through images.generate, with images through images.edit (up to 16). */
const openai = (id: string, provider: 'openai' | 'imagerouter', fields: Partial<ModelInfo>, perImage: number): ModelInfo => ({
  id, provider, task: 'edit', media: 'image', size: 'pixels', pixelSizes: GPT_IMAGE_SIZES, imageListField: 'image', maxRefs: 16,
  numImages: true,
  price: { per_image: perImage }, ...fields,
});

/** Stability refuses longer prompts (after the upload): `validate` and the provider refuse them first. */
export const STABILITY_MAX_PROMPT_CHARS = 10_000;

const stability = (id: string, fields: Partial<ModelInfo>, perImage: number): ModelInfo => ({
  id, provider: 'stability', task: 't2i', media: 'image', size: 'aspect_ratio', aspectRatios: STABILITY_RATIOS,
  seed: true, maxPromptChars: STABILITY_MAX_PROMPT_CHARS, formParams: true, price: { per_image: perImage }, ...fields,
});

const kling = (id: string, fields: Partial<ModelInfo>, perSecond: number): ModelInfo => ({
  id, provider: 'fal', task: fields.lastFrameField ? 'flf2v' : 'i2v', media: 'video', size: 'none',
  imageField: 'image_url', durations: [5, 10], durationFormat: 'string', aspectRatios: VIDEO_RATIOS,
  price: { per_second: perSecond }, ...fields,
});

export const MODELS: ModelInfo[] = [
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
  fluxT2i('fal-ai/flux-2-turbo', 0.008),
  {
    id: 'fal-ai/ideogram/v3', provider: 'fal', task: 't2i', media: 'image', size: 'image_size', seed: true,
    numImages: true, price: { per_image: 0.06 },
  },
  // fal: image to image and editing
  {
    id: 'fal-ai/flux/dev/image-to-image', provider: 'fal', task: 'i2i', media: 'image', size: 'none',
    imageField: 'image_url', seed: true, numImages: true, price: { per_megapixel: 0.025 },
  },
  {
    id: 'fal-ai/flux/dev/inpainting', provider: 'fal', task: 'inpaint', media: 'image', size: 'image_size',
    imageField: 'image_url', maskField: 'mask_url', seed: true, numImages: true, price: { per_megapixel: 0.025 },
  },
  {
    id: 'fal-ai/flux-kontext', provider: 'fal', task: 'edit', media: 'image', size: 'aspect_ratio',
    aspectRatios: NANO_RATIOS, imageField: 'image_url', maxRefs: 1, seed: true, numImages: true,
    price: { per_image: 0.04 },
  },
  {
    id: 'fal-ai/flux-pro/kontext', provider: 'fal', task: 'edit', media: 'image', size: 'aspect_ratio',
    aspectRatios: NANO_RATIOS, imageField: 'image_url', maxRefs: 1, seed: true, numImages: true,
    price: { per_image: 0.04 },
  },
  {
    id: 'fal-ai/flux-pro/kontext/text-to-image', provider: 'fal', task: 't2i', media: 'image', size: 'aspect_ratio',
    aspectRatios: NANO_RATIOS, seed: true, numImages: true, editVariant: 'fal-ai/flux-pro/kontext',
    price: { per_image: 0.04 },
  },
  {
    id: 'fal-ai/bria/fibo-edit', provider: 'fal', task: 'edit', media: 'image', size: 'none',
    imageField: 'image_url', maxRefs: 1, seed: true, price: { per_image: 0.04 },
  },
  // fal: upscalers (no prompt)
  {
    id: 'fal-ai/aura-sr', provider: 'fal', task: 'upscale', media: 'image', size: 'none',
    imageField: 'image_url', maxRefs: 0, price: { per_image: 0.01 },
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
  kling('fal-ai/kling-video/v2.5-turbo/standard/image-to-video', { lastFrameField: 'tail_image_url' }, 0.042),
  kling('fal-ai/kling-video/v2.6/pro/image-to-video',
    { imageField: 'start_image_url', lastFrameField: 'end_image_url' }, 0.07),
  kling('fal-ai/kling-video/v3/pro/image-to-video',
    { imageField: 'start_image_url', lastFrameField: 'end_image_url', durations: [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] }, 0.168),
  kling('fal-ai/kling-video/v3/standard/image-to-video',
    { imageField: 'start_image_url', lastFrameField: 'end_image_url', durations: [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] }, 0.112),
  {
    id: 'fal-ai/veo3/image-to-video', provider: 'fal', task: 'i2v', media: 'video', size: 'none',
    imageField: 'image_url', durations: [4, 6, 8], durationFormat: 'seconds', aspectRatios: VIDEO_RATIOS,
    seed: true, price: { per_second: 0.4 },
  },
  {
    id: 'fal-ai/veo3.1/image-to-video', provider: 'fal', task: 'i2v', media: 'video', size: 'none',
    imageField: 'image_url', durations: [4, 6, 8], durationFormat: 'seconds', aspectRatios: VIDEO_RATIOS,
    seed: true, price: { per_second: 0.4 },
  },
  {
    id: 'fal-ai/veo3.1/first-last-frame-to-video', provider: 'fal', task: 'flf2v', media: 'video', size: 'none',
    imageField: 'first_frame_url', lastFrameField: 'last_frame_url', durations: [4, 6, 8], durationFormat: 'seconds',
    aspectRatios: VIDEO_RATIOS, seed: true, price: { per_second: 0.4 },
  },
  {
    id: 'fal-ai/minimax/hailuo-02/standard/image-to-video', provider: 'fal', task: 'flf2v', media: 'video', size: 'none',
    imageField: 'image_url', lastFrameField: 'end_image_url', durations: [6, 10], durationFormat: 'string',
    price: { per_second: 0.045 },
  },
  {
    id: 'fal-ai/minimax/hailuo-02/pro/image-to-video', provider: 'fal', task: 'flf2v', media: 'video', size: 'none',
    imageField: 'image_url', lastFrameField: 'end_image_url', durations: [6], price: { per_second: 0.08 },
  },
  // Google: Gemini images (refs and input as inline data)
  {
    id: 'gemini-2.5-flash-image', provider: 'google', task: 'edit', media: 'image', size: 'aspect_ratio',
    aspectRatios: GEMINI_RATIOS, maxRefs: 3, seed: true, price: { per_image: 0.039 },
  },
  {
    id: 'gemini-2.5-flash-image-preview', provider: 'google', task: 'edit', media: 'image', size: 'aspect_ratio',
    aspectRatios: GEMINI_RATIOS, maxRefs: 3, seed: true, price: { per_image: 0.039 },
  },
  {
    id: 'gemini-3-pro-image-preview', provider: 'google', task: 'edit', media: 'image', size: 'aspect_ratio',
    aspectRatios: GEMINI_RATIOS, maxRefs: 14, seed: true, price: { per_image: 0.134 },
  },
  // Google: Veo (3.0 takes one keyframe at 1024x1024; 3.1 also a last frame)
  {
    id: 'veo-3.0-generate-001', provider: 'google', task: 'i2v', media: 'video', size: 'none',
    durations: [4, 6, 8], durationFormat: 'number', aspectRatios: VIDEO_RATIOS,
    inputSize: { width: 1024, height: 1024 }, price: { per_second: 0.4 },
  },
  {
    id: 'veo-3.0-fast-generate-001', provider: 'google', task: 'i2v', media: 'video', size: 'none',
    durations: [4, 6, 8], durationFormat: 'number', aspectRatios: VIDEO_RATIOS,
    inputSize: { width: 1024, height: 1024 }, price: { per_second: 0.15 },
  },
  {
    id: 'veo-3.0-generate-preview', provider: 'google', task: 'i2v', media: 'video', size: 'none',
    durations: [8], durationFormat: 'number', aspectRatios: VIDEO_RATIOS,
    inputSize: { width: 1024, height: 1024 }, price: { per_second: 0.4 },
  },
  {
    id: 'veo-3.1-generate-preview', provider: 'google', task: 'flf2v', media: 'video', size: 'none',
    lastFrameField: 'lastFrame', durations: [4, 6, 8], durationFormat: 'number', aspectRatios: VIDEO_RATIOS,
    price: { per_second: 0.4 },
  },
  {
    id: 'veo-3.1-fast-generate-preview', provider: 'google', task: 'flf2v', media: 'video', size: 'none',
    lastFrameField: 'lastFrame', durations: [4, 6, 8], durationFormat: 'number', aspectRatios: VIDEO_RATIOS,
    price: { per_second: 0.15 },
  },
  // OpenAI (prices at medium quality, 1024x1024; larger sizes and high quality cost more)
  openai('gpt-image-1', 'openai', {}, 0.042),
  openai('gpt-image-1-mini', 'openai', {}, 0.011),
  openai('gpt-image-1.5', 'openai', {}, 0.034),
  openai('gpt-image-2', 'openai', { pixelSizes: undefined }, 0.042),
  openai('dall-e-3', 'openai', { task: 't2i', pixelSizes: ['1024x1024', '1792x1024', '1024x1792'], imageListField: undefined, maxRefs: 0 }, 0.04),
  openai('dall-e-2', 'openai', { pixelSizes: ['256x256', '512x512', '1024x1024'], maxRefs: 1 }, 0.02),
  // ImageRouter: the same OpenAI image API in front of many vendors' models
  openai('openai/gpt-image-1', 'imagerouter', {}, 0.042),
  openai('google/gemini-2.5-flash-image', 'imagerouter', { pixelSizes: undefined }, 0.039),
  openai('test/test', 'imagerouter', { pixelSizes: undefined }, 0),
  // Stability AI Stable Image v2beta (sd3 models also image to image with `input`)
  stability('ultra', {}, 0.08),
  stability('core', {}, 0.03),
  stability('sd3.5-large', { task: 'i2i', imageField: 'image', maxRefs: 0 }, 0.065),
  stability('sd3.5-large-turbo', { task: 'i2i', imageField: 'image', maxRefs: 0 }, 0.04),
  stability('sd3.5-medium', { task: 'i2i', imageField: 'image', maxRefs: 0 }, 0.035),
  // The built-in offline renderer: free, takes anything.
  {
    id: 'draft', provider: 'draft', task: 'edit', media: 'image', size: 'none', maxRefs: 64, seed: true,
    numImages: true, price: {},
  },
];
