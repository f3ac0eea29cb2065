// Gemini image models through generateContent: prompt plus every input image as inline data.
import { randomInt } from 'node:crypto';
import { Modality, type GenerateContentConfig, type GenerateContentResponse, type GoogleGenAI, type HttpOptions, type Part } from '@google/genai';
import { GEMINI_IMAGE_TYPES, inlineImage } from './media.js';
import { nearestAspectRatio } from '../size.js';
import { ProviderError, type GenerateContext, type GenerateRequest, type GenerateResult, type InputImage } from '../types.js';
import { withCallSignal } from '../transport.js';

export interface GoogleCall {
  ai: GoogleGenAI;
  httpOptions: HttpOptions;
}

export async function generateGeminiImage(call: GoogleCall, req: GenerateRequest, ctx: GenerateContext): Promise<GenerateResult> {
  if (req.model.id.startsWith('imagen-')) {
    throw new ProviderError(`${req.model.id}: Imagen models are not available through the Gemini API with @google/genai 2.x; use a gemini-*-image model`, { retryable: false });
  }
  const images = [req.input, ...req.refs, req.mask].filter((i): i is InputImage => i !== undefined);
  const parts: Part[] = [];
  if (req.prompt) parts.push({ text: req.prompt });
  for (const img of images) {
    parts.push({ inlineData: await inlineImage(img, GEMINI_IMAGE_TYPES) });
  }

  const { imageConfig: extraImageConfig, ...params } = req.params as { imageConfig?: Record<string, unknown> };
  const imageConfig = { ...aspectRatioOf(req), ...extraImageConfig };
  const files: GenerateResult['files'] = [];
  let requestId: string | undefined;
  // Gemini reports no seed back, so one is chosen here when the project gave none: it is recorded.
  const seed = req.seed ?? (req.model.seed ? randomInt(2 ** 31 - 1) : undefined);
  // Gemini image models return one image per call, so num_images means that many calls.
  for (let i = 0; i < req.numImages; i++) {
    ctx.onProgress({ state: i === 0 ? 'submitting' : 'running', log: req.numImages > 1 ? `image ${i + 1}/${req.numImages}` : undefined });
    const config: GenerateContentConfig = {
      responseModalities: [Modality.IMAGE, Modality.TEXT],
      ...(seed !== undefined ? { seed: seed + i } : {}),
      ...params,
      imageConfig,
      httpOptions: call.httpOptions,
    };
    const res = await withCallSignal(ctx.signal, (abortSignal) =>
      call.ai.models.generateContent({ model: req.model.id, contents: [{ role: 'user', parts }], config: { ...config, abortSignal } }));
    requestId ??= res.responseId;
    files.push({ bytes: imageBytes(req.model.id, res) });
  }
  return { files, seed, requestId };
}

function aspectRatioOf(req: GenerateRequest): { aspectRatio?: string } {
  if (req.model.size !== 'aspect_ratio' || !req.size) return {};
  const allowed = req.model.aspectRatios;
  return { aspectRatio: allowed?.length ? nearestAspectRatio(req.size.width, req.size.height, allowed) : req.size.aspectRatio };
}

/** The first image of a response, or a clear, non-retryable reason why there is none. */
function imageBytes(model: string, res: GenerateContentResponse): Buffer {
  const feedback = res.promptFeedback;
  if (feedback?.blockReason) {
    const why = feedback.blockReasonMessage ? `: ${feedback.blockReasonMessage}` : '';
    throw new ProviderError(`${model} blocked the prompt (${feedback.blockReason})${why}`, { retryable: false });
  }
  const candidate = res.candidates?.[0];
  const parts = candidate?.content?.parts ?? [];
  const image = parts.find((p) => p.inlineData?.data && p.inlineData.mimeType?.startsWith('image/'));
  if (image?.inlineData?.data) return Buffer.from(image.inlineData.data, 'base64');

  const text = parts.map((p) => (p.thought ? '' : p.text ?? '')).join(' ').trim();
  const said = text ? `; the model said: "${text.length > 300 ? `${text.slice(0, 300)}…` : text}"` : '';
  const reason = candidate?.finishReason;
  if (reason && reason !== 'STOP') {
    const message = candidate.finishMessage ? `: ${candidate.finishMessage}` : '';
    throw new ProviderError(`${model} returned no image (finish reason ${reason}${message})${said}`, { retryable: false });
  }
  throw new ProviderError(`${model} returned no image${said}`, { retryable: false });
}
