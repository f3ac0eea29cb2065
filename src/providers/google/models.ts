// Google's rows of the model table (Gemini images, Veo video): how project fields map onto each model, and its price.
// Prices are unverified estimates (USD); a project overrides them under `prices:`.
import type { ModelInfo } from '../types.js';

const GEMINI_RATIOS = ['21:9', '16:9', '4:3', '3:2', '1:1', '2:3', '3:4', '4:5', '5:4', '9:16'];
const VIDEO_RATIOS = ['16:9', '9:16'];

export const GOOGLE_MODELS: ModelInfo[] = [
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
];
