// Local images as Google wants them inline: base64 in a type the model accepts, letterboxed when
// the model needs a fixed input size.
import sharp from 'sharp';
import { acceptedImage, sendableImage } from '../input-image.js';
import type { InputImage } from '../types.js';

export interface InlineImage {
  data: string;
  mimeType: string;
}

/** Gemini takes these inline; Veo only the first two. */
export const GEMINI_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/heic', 'image/heif'];
export const VEO_IMAGE_TYPES = ['image/png', 'image/jpeg'];

export async function inlineImage(img: InputImage, accepted: string[], fit?: { width: number; height: number }): Promise<InlineImage> {
  if (!fit) {
    const { bytes, mediaType } = await acceptedImage(img, accepted);
    return { data: bytes.toString('base64'), mimeType: mediaType };
  }
  const letterboxed = await sharp((await sendableImage(img)).bytes).resize(fit.width, fit.height, { fit: 'contain', background: '#000' }).png().toBuffer();
  return { data: letterboxed.toString('base64'), mimeType: 'image/png' };
}
