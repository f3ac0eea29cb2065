// Stability AI's rows of the model table (Stable Image v2beta), and its limits.
// Prices are unverified estimates (USD); a project overrides them under `prices:`.
import type { ModelInfo } from '../types.js';

/** Stable Image v2beta's aspect_ratio values (also for stability ids the table does not list). */
export const STABILITY_RATIOS = ['21:9', '16:9', '3:2', '5:4', '1:1', '4:5', '2:3', '9:16', '9:21'];

/** Stability refuses longer prompts (after the upload): `validate` and the provider refuse them first. */
export const STABILITY_MAX_PROMPT_CHARS = 10_000;

const stability = (id: string, fields: Partial<ModelInfo>, perImage: number): ModelInfo => ({
  id, provider: 'stability', task: 't2i', media: 'image', size: 'aspect_ratio', aspectRatios: STABILITY_RATIOS,
  seed: true, maxPromptChars: STABILITY_MAX_PROMPT_CHARS, formParams: true, price: { per_image: perImage },
  priceSource: "Stability's credits at $0.01 each (unverified), 2026-12", ...fields,
});

export const STABILITY_MODELS: ModelInfo[] = [
  // Stability AI Stable Image v2beta (Ultra and the sd3 models also image to image with `input`)
  // Ultra also takes an `input` (image + strength, Stability's v2beta reference); Core takes none.
  stability('ultra', { imageField: 'image', maxRefs: 0 }, 0.08),
  stability('core', {}, 0.03),
  stability('sd3.5-large', { task: 'i2i', imageField: 'image', maxRefs: 0 }, 0.065),
  stability('sd3.5-large-turbo', { task: 'i2i', imageField: 'image', maxRefs: 0 }, 0.04),
  stability('sd3.5-medium', { task: 'i2i', imageField: 'image', maxRefs: 0 }, 0.035),
];
