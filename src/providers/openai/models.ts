// The rows of the model table served through OpenAI's image API: OpenAI's own and ImageRouter's.
// Prices are unverified estimates (USD); a project overrides them under `prices:`. Lifecycles as
// read on 2026-12-03 (PROVIDERS.md, "Checked against the providers").
import type { Lifecycle, ModelInfo } from '../types.js';

const DEPRECATIONS = 'developers.openai.com deprecations (a third-party copy), read 2026-12-03';
const shutdown = (date: string): Lifecycle => ({ status: 'deprecated', shutdown: date, replacement: 'gpt-image-2', source: DEPRECATIONS });
const removed: Lifecycle = { status: 'retired', replacement: 'gpt-image-2', source: 'developers.openai.com models page, read 2026-12-03' };
/** Upstream models ImageRouter resold, shut down by their makers; its own list names what replaced them. */
const upstreamGone = (date: string): Lifecycle => ({ status: 'deprecated', shutdown: date, source: `the maker's shutdown, ${DEPRECATIONS}` });

const OPENAI_PRICES = "OpenAI's pricing at medium quality, 1024x1024 (unverified), 2026-12";
const IMAGEROUTER_PRICES = "the upstream model's price (unverified), 2026-12";

/**
 * OpenAI image models: text to image through images.generate, with images through images.edit (up
 * to 16), `n` from 1 to 10 (the SDK's request types and OpenAI's images reference).
 */
const openai = (id: string, provider: 'openai' | 'imagerouter', fields: Partial<ModelInfo>, perImage: number): ModelInfo => ({
  id, provider, task: 'edit', media: 'image', size: 'pixels', imageListField: 'image', maxRefs: 16,
  numImages: true, maxImages: 10,
  price: { per_image: perImage }, priceSource: provider === 'openai' ? OPENAI_PRICES : IMAGEROUTER_PRICES, ...fields,
});

export const OPENAI_MODELS: ModelInfo[] = [
  // OpenAI (prices at medium quality, 1024x1024; larger sizes and high quality cost more)
  openai('gpt-image-1', 'openai', { lifecycle: shutdown('2026-10-23') }, 0.042),
  openai('gpt-image-1-mini', 'openai', { lifecycle: shutdown('2026-12-01') }, 0.011),
  openai('gpt-image-1.5', 'openai', { lifecycle: shutdown('2026-12-01') }, 0.034),
  // Any WxH within OpenAI's published rules: sides multiples of 16, ratio up to 3:1, at most
  // 3840x2160; the floor of 655,360 pixels is a third-party measurement (docs.apiyi.com, 2026-11).
  openai('gpt-image-2', 'openai', { pixelLimits: { multipleOf: 16, maxSide: 3840, minPixels: 655_360, maxPixels: 3840 * 2160, maxRatio: 3 } }, 0.042),
  openai('dall-e-3', 'openai', { task: 't2i', imageListField: undefined, maxRefs: 0, maxImages: 1, lifecycle: removed }, 0.04),
  openai('dall-e-2', 'openai', { maxRefs: 1, lifecycle: removed }, 0.02),
];

export const IMAGEROUTER_MODELS: ModelInfo[] = [
  // ImageRouter: the same OpenAI image API in front of many vendors' models
  openai('openai/gpt-image-1', 'imagerouter', { lifecycle: upstreamGone('2026-10-23') }, 0.042),
  openai('google/gemini-2.5-flash-image', 'imagerouter', { lifecycle: upstreamGone('2026-10-02') }, 0.039),
  openai('test/test', 'imagerouter', {}, 0),
];
