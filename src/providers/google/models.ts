// Google's rows of the model table (Gemini images, Veo video): how project fields map onto each model, and its price.
// Prices are unverified estimates (USD); a project overrides them under `prices:`. Lifecycles as
// read on 2026-12-03 from the Gemini API changelog and deprecations page and Vertex AI's model
// versions page (PROVIDERS.md, "Checked against the providers").
import type { Lifecycle, ModelInfo } from '../types.js';

const CHANGELOG = 'ai.google.dev Gemini API changelog and deprecations, read 2026-12-03';
const VERTEX = 'cloud.google.com Vertex AI model versions, read 2026-12-03';
const PREVIEW_NOTICE = 'a third-party notice citing Google (PROVIDERS.md), read 2026-12-03';
const shutdown = (date: string, replacement: string, source = CHANGELOG): Lifecycle => ({ status: 'deprecated', shutdown: date, replacement, source });

const GEMINI_RATIOS = ['21:9', '16:9', '4:3', '3:2', '1:1', '2:3', '3:4', '4:5', '5:4', '9:16'];
const VIDEO_RATIOS = ['16:9', '9:16'];

const PRICES = "Google's pricing as noted in PROVIDERS.md (unverified), 2026-12";

const ROWS: ModelInfo[] = [
  // Google: Gemini images (refs and input as inline data)
  {
    id: 'gemini-2.5-flash-image', provider: 'google', task: 'edit', media: 'image', size: 'aspect_ratio',
    aspectRatios: GEMINI_RATIOS, maxRefs: 3, seed: true, price: { per_image: 0.039 },
    lifecycle: shutdown('2026-10-02', 'gemini-3.1-flash-image'),
  },
  {
    id: 'gemini-2.5-flash-image-preview', provider: 'google', task: 'edit', media: 'image', size: 'aspect_ratio',
    aspectRatios: GEMINI_RATIOS, maxRefs: 3, seed: true, price: { per_image: 0.039 },
    lifecycle: shutdown('2026-01-15', 'gemini-3.1-flash-image'),
  },
  {
    id: 'gemini-3-pro-image-preview', provider: 'google', task: 'edit', media: 'image', size: 'aspect_ratio',
    aspectRatios: GEMINI_RATIOS, maxRefs: 14, seed: true, price: { per_image: 0.134 },
    lifecycle: shutdown('2026-06-25', 'gemini-3-pro-image'),
  },
  {
    id: 'gemini-3-pro-image', provider: 'google', task: 'edit', media: 'image', size: 'aspect_ratio',
    aspectRatios: GEMINI_RATIOS, maxRefs: 14, seed: true, price: { per_image: 0.134 },
  },
  {
    // Priced as the Flash image model it follows (unverified).
    id: 'gemini-3.1-flash-image', provider: 'google', task: 'edit', media: 'image', size: 'aspect_ratio',
    aspectRatios: GEMINI_RATIOS, maxRefs: 14, seed: true, price: { per_image: 0.039 },
  },
  // Google: Veo (3.0 took one keyframe; 3.1 also a last frame)
  {
    id: 'veo-3.0-generate-001', provider: 'google', task: 'i2v', media: 'video', size: 'none',
    durations: [4, 6, 8], durationFormat: 'number', aspectRatios: VIDEO_RATIOS,
    price: { per_second: 0.4 },
    lifecycle: shutdown('2026-06-30', 'veo-3.1-generate-001', VERTEX),
  },
  {
    id: 'veo-3.0-fast-generate-001', provider: 'google', task: 'i2v', media: 'video', size: 'none',
    durations: [4, 6, 8], durationFormat: 'number', aspectRatios: VIDEO_RATIOS,
    price: { per_second: 0.15 },
    lifecycle: shutdown('2026-06-30', 'veo-3.1-fast-generate-001', VERTEX),
  },
  {
    id: 'veo-3.0-generate-preview', provider: 'google', task: 'i2v', media: 'video', size: 'none',
    durations: [8], durationFormat: 'number', aspectRatios: VIDEO_RATIOS,
    price: { per_second: 0.4 },
    lifecycle: { status: 'retired', replacement: 'veo-3.1-generate-001', source: CHANGELOG },
  },
  {
    id: 'veo-3.1-generate-preview', provider: 'google', task: 'flf2v', media: 'video', size: 'none',
    lastFrameField: 'lastFrame', durations: [4, 6, 8], defaultDuration: 8, durationFormat: 'number', aspectRatios: VIDEO_RATIOS,
    price: { per_second: 0.4 }, lifecycle: shutdown('2026-10-22', 'veo-3.1-generate-001', PREVIEW_NOTICE),
  },
  {
    id: 'veo-3.1-fast-generate-preview', provider: 'google', task: 'flf2v', media: 'video', size: 'none',
    lastFrameField: 'lastFrame', durations: [4, 6, 8], defaultDuration: 8, durationFormat: 'number', aspectRatios: VIDEO_RATIOS,
    price: { per_second: 0.15 }, lifecycle: shutdown('2026-10-22', 'veo-3.1-fast-generate-001', PREVIEW_NOTICE),
  },
  // Veo 3.1 GA: a first and a last frame, 8 s unless told otherwise.
  {
    id: 'veo-3.1-generate-001', provider: 'google', task: 'flf2v', media: 'video', size: 'none',
    lastFrameField: 'lastFrame', durations: [4, 6, 8], defaultDuration: 8, durationFormat: 'number', aspectRatios: VIDEO_RATIOS,
    price: { per_second: 0.4 },
  },
  {
    id: 'veo-3.1-fast-generate-001', provider: 'google', task: 'flf2v', media: 'video', size: 'none',
    lastFrameField: 'lastFrame', durations: [4, 6, 8], defaultDuration: 8, durationFormat: 'number', aspectRatios: VIDEO_RATIOS,
    price: { per_second: 0.15 },
  },
];

export const GOOGLE_MODELS: ModelInfo[] = ROWS.map((m) => ({ priceSource: PRICES, ...m }));
