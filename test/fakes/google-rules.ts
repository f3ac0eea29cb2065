// What Google's image and video models accept, written from what Google publishes (the Gemini API
// changelog and deprecations page, Vertex AI's model versions page, the @google/genai 2.32 request
// types; PROVIDERS.md as of 2026-12-03), not from aivp's model table: both fakes (Gemini API and
// Vertex AI) refuse what Google would, in its google.rpc error shape.

/** Image models served on 2026-12-03 (gemini-2.5-flash-image shut down 2026-10-02, gemini-3-pro-image-preview 2026-06-25). */
const IMAGE_MODELS = new Set(['gemini-3-pro-image', 'gemini-3.1-flash-image']);
/** Veo served on 2026-12-03 (Veo 3.0 retired 2026-06-30, the 3.1 previews shut down 2026-10-22). */
const VIDEO_MODELS = new Set(['veo-3.1-generate-001', 'veo-3.1-fast-generate-001']);
const IMAGE_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'];
const VIDEO_RATIOS = ['16:9', '9:16'];
const VIDEO_SECONDS = [4, 6, 8];
/** Veo parameters the Gemini API refuses: Vertex AI only (@google/genai throws on them with an API key). */
const VERTEX_ONLY = ['seed', 'generateAudio', 'storageUri'];

export interface GoogleRefusal {
  status: 400 | 404;
  message: string;
}

export type Route = 'gemini' | 'vertex';

const notFound = (model: string, method: string): GoogleRefusal =>
  ({ status: 404, message: `models/${model} is not found for API version v1beta, or is not supported for ${method}.` });
const invalid = (message: string): GoogleRefusal => ({ status: 400, message });

/** Why Google would refuse this generateContent body for `model`, or undefined. */
export function imageRefusal(model: string, body: any): GoogleRefusal | undefined {
  if (!IMAGE_MODELS.has(model)) return notFound(model, 'generateContent');
  const ratio = body?.generationConfig?.imageConfig?.aspectRatio;
  if (ratio !== undefined && !IMAGE_RATIOS.includes(ratio)) return invalid(`Unsupported aspect ratio: ${String(ratio)}. Supported: ${IMAGE_RATIOS.join(', ')}.`);
  return undefined;
}

/** Why Google would refuse this predictLongRunning body for `model` on `route`, or undefined. */
export function videoRefusal(route: Route, model: string, body: any): GoogleRefusal | undefined {
  if (!VIDEO_MODELS.has(model)) return notFound(model, 'predictLongRunning');
  const p = body?.parameters ?? {};
  if (p.durationSeconds !== undefined && !VIDEO_SECONDS.includes(p.durationSeconds)) {
    return invalid(`durationSeconds must be one of ${VIDEO_SECONDS.join(', ')}; got ${String(p.durationSeconds)}.`);
  }
  if (p.aspectRatio !== undefined && !VIDEO_RATIOS.includes(p.aspectRatio)) return invalid(`aspectRatio must be 16:9 or 9:16; got ${String(p.aspectRatio)}.`);
  if (p.sampleCount !== undefined && !(Number.isInteger(p.sampleCount) && p.sampleCount >= 1 && p.sampleCount <= 4)) {
    return invalid(`sampleCount must be 1 to 4; got ${String(p.sampleCount)}.`);
  }
  if (route === 'gemini') {
    const vertexOnly = VERTEX_ONLY.find((k) => p[k] !== undefined);
    if (vertexOnly) return invalid(`${vertexOnly} is not supported by the Gemini API.`);
  }
  return undefined;
}
