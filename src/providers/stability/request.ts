// One Stable Image v2beta call: the endpoint a model id goes to, the checks Stability would only
// make after the upload, and the multipart form (PROVIDERS.md, "Stability AI").
import { acceptedImage } from '../input-image.js';
import { STABILITY_MAX_PROMPT_CHARS, STABILITY_RATIOS } from './models.js';
import { nearestAspectRatio } from '../size.js';
import { ProviderError, type GenerateRequest, type InputImage } from '../types.js';

/** Seeds Stability accepts are 0..MAX_SEED (0 asks the server to choose). */
export const MAX_SEED = 4_294_967_294;
/**
 * Stability requires `strength` with an input image and documents no default: 0.6 keeps the
 * input's composition while following the prompt. `params.strength` overrides it.
 */
export const DEFAULT_STRENGTH = 0.6;

export type Endpoint = 'ultra' | 'core' | 'sd3';

/** ultra and core are their own endpoints; every sd3* model shares `sd3` and is named in the `model` field. */
export function endpointOf(modelId: string): Endpoint {
  if (modelId === 'ultra' || modelId === 'core') return modelId;
  if (modelId.startsWith('sd3')) return 'sd3';
  throw new ProviderError(
    `unknown Stability model \`stability:${modelId}\`: use stability:ultra, stability:core or an sd3 model (stability:sd3.5-large, stability:sd3.5-large-turbo, stability:sd3.5-medium)`,
    { retryable: false },
  );
}

/** What Stability would refuse after the upload, refused before anything is sent or paid. */
export function checkRequest(req: GenerateRequest): void {
  const model = `stability:${req.model.id}`;
  if (!req.prompt?.trim()) throw new ProviderError(`${model} needs a prompt`, { retryable: false });
  // Counted in code points, as Stability's (Python) server counts them.
  const chars = [...req.prompt].length;
  if (chars > STABILITY_MAX_PROMPT_CHARS) {
    throw new ProviderError(`${model}: the prompt is ${chars} characters; Stability takes at most ${STABILITY_MAX_PROMPT_CHARS}`, { retryable: false });
  }
  if (req.seed !== undefined && !(Number.isInteger(req.seed) && req.seed >= 0 && req.seed <= MAX_SEED)) {
    throw new ProviderError(`${model}: seed ${req.seed} is outside 0..${MAX_SEED}, the range Stability takes`, { retryable: false });
  }
  for (const [k, v] of Object.entries(req.params)) {
    if (v !== null && typeof v === 'object') {
      throw new ProviderError(`${model}: params.${k} must be text, a number or a boolean (Stability takes form fields)`, { retryable: false });
    }
  }
}

/** Input types Stability takes, with the extension its file part is named by. */
const ACCEPTED_INPUT: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };

/** The input image as a form part, in a format Stability takes (PNG, JPEG, WebP; others become PNG). */
export async function imagePart(img: InputImage): Promise<{ blob: Blob; filename: string }> {
  const { bytes, mediaType } = await acceptedImage(img, Object.keys(ACCEPTED_INPUT));
  return { blob: new Blob([new Uint8Array(bytes)], { type: mediaType }), filename: `input.${ACCEPTED_INPUT[mediaType]}` };
}

export interface FormOptions {
  endpoint: Endpoint;
  seed: number;
  /** Image to image (Ultra and the sd3 models with `input`). */
  image?: { blob: Blob; filename: string };
}

/** The multipart body of one call; `params` come last and win, so any documented field can be set. */
export function stabilityForm(req: GenerateRequest, opts: FormOptions): FormData {
  const form = new FormData();
  form.set('prompt', req.prompt ?? '');
  if (opts.endpoint === 'sd3') form.set('model', req.model.id);
  if (opts.image) {
    // The output takes the input's aspect, so aspect_ratio (text to image only) is not sent; only
    // the sd3 endpoint has a `mode` (Ultra takes `image` and `strength` alone).
    if (opts.endpoint === 'sd3') form.set('mode', 'image-to-image');
    form.set('image', opts.image.blob, opts.image.filename);
    form.set('strength', String(DEFAULT_STRENGTH));
  } else if (req.size) {
    form.set('aspect_ratio', nearestAspectRatio(req.size.width, req.size.height, req.model.aspectRatios ?? STABILITY_RATIOS));
  }
  form.set('seed', String(opts.seed));
  form.set('output_format', 'png');
  for (const [k, v] of Object.entries(req.params)) {
    if (v !== undefined && v !== null) form.set(k, String(v));
  }
  return form;
}
