// Local images as Google wants them inline: base64 in a type the model accepts, letterboxed when
// the model needs a fixed input size.
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import type { InputImage } from './types.js';

export interface InlineImage {
  data: string;
  mimeType: string;
}

/** Gemini takes these inline; Veo only the first two. */
export const GEMINI_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/heic', 'image/heif'];
export const VEO_IMAGE_TYPES = ['image/png', 'image/jpeg'];

export async function inlineImage(img: InputImage, accepted: string[], fit?: { width: number; height: number }): Promise<InlineImage> {
  if (!fit && accepted.includes(img.mediaType)) {
    return { data: (await readFile(img.path)).toString('base64'), mimeType: img.mediaType };
  }
  let pipeline = sharp(img.path);
  if (fit) pipeline = pipeline.resize(fit.width, fit.height, { fit: 'contain', background: '#000' });
  return { data: (await pipeline.png().toBuffer()).toString('base64'), mimeType: 'image/png' };
}
