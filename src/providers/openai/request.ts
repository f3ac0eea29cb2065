// One aivp request -> the OpenAI image call that serves it: images.generate for text to image,
// images.edit (multipart) when the node has an input, references or a mask.
import { toFile, type Uploadable } from 'openai';
import type { ImageEditParamsNonStreaming, ImageGenerateParamsNonStreaming } from 'openai/resources/images';
import { acceptedImage } from '../input-image.js';
import { resolveSize, sizeProblem } from '../size.js';
import { ProviderError, type GenerateRequest, type InputImage, type ModelInfo } from '../types.js';

export type ImageCall =
  | { kind: 'generate'; body: ImageGenerateParamsNonStreaming }
  | { kind: 'edit'; body: ImageEditParamsNonStreaming };

/** What images.edit takes as is; anything else is re-encoded as PNG. */
const EDIT_TYPES = ['image/png', 'image/jpeg', 'image/webp'];
const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };
/** The edit endpoint's limit (and the table's `maxRefs` for GPT image models). */
const MAX_IMAGES = 16;

export async function imageCall(req: GenerateRequest): Promise<ImageCall> {
  const model = req.model.id;
  if (!req.prompt) throw new ProviderError(`${model} needs a prompt`, { retryable: false });
  const images = [req.input, ...req.refs].filter((i): i is InputImage => i !== undefined);
  const max = req.model.maxRefs ?? MAX_IMAGES;
  if (images.length > max) {
    const what = max === 0 ? 'takes no input or reference images' : `takes at most ${max} images (input plus refs)`;
    throw new ProviderError(`${model} ${what}; this node has ${images.length}`, { retryable: false });
  }
  if (req.mask && images.length === 0) {
    throw new ProviderError(`${model}: a mask applies to the first image, so the node needs an input or a reference`, { retryable: false });
  }
  const size = sizeOf(req);
  // `params` go last: the project's quality, background, output_format... and even size win.
  const common = { model, prompt: req.prompt, n: req.numImages, ...(size ? { size } : {}), ...req.params };
  checkLimits(req.model, common);
  if (images.length === 0) return { kind: 'generate', body: common as ImageGenerateParamsNonStreaming };
  const body = {
    ...common,
    image: await Promise.all(images.map((img) => upload(img, EDIT_TYPES))),
    ...(req.mask ? { mask: await upload(req.mask, ['image/png']) } : {}),
  };
  return { kind: 'edit', body: body as ImageEditParamsNonStreaming };
}

/** The node's size as `WxH`, for models sent pixels; nothing (the model's default) when the node has none. */
export function sizeOf(req: GenerateRequest): string | undefined {
  if (req.model.size !== 'pixels' || !req.size) return undefined;
  return `${req.size.width}x${req.size.height}`;
}

/** What the request would be refused for, against the limits the table records (validate checks the project's side). */
function checkLimits(info: ModelInfo, body: { n?: unknown; size?: unknown }): void {
  const refuse = (what: string) => { throw new ProviderError(`${info.id} ${what}`, { retryable: false }); };
  if (info.maxImages !== undefined && typeof body.n === 'number' && body.n > info.maxImages) {
    refuse(`makes at most ${info.maxImages} images per request; this one asks for ${body.n}`);
  }
  const size = typeof body.size === 'string' && /^\d+x\d+$/.test(body.size) ? resolveSize(body.size) : undefined;
  const problem = size && info.pixelLimits && sizeProblem(size, info.pixelLimits);
  if (problem) refuse(`cannot make ${body.size as string}: ${problem}`);
}

async function upload(img: InputImage, accepted: string[]): Promise<Uploadable> {
  const { bytes, mediaType } = await acceptedImage(img, accepted);
  // The node name may be `dir/stem`: a file name has no slashes.
  return toFile(bytes, `${img.name.replace(/[^\w.-]+/g, '_')}.${EXTENSIONS[mediaType]}`, { type: mediaType });
}
