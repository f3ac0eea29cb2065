// Local images as Google wants them inline: base64 in a type the model accepts.
import { acceptedImage } from '../input-image.js';
import type { InputImage } from '../types.js';

export interface InlineImage {
  data: string;
  mimeType: string;
}

/** Gemini takes these inline; Veo only the first two. */
export const GEMINI_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/heic', 'image/heif'];
export const VEO_IMAGE_TYPES = ['image/png', 'image/jpeg'];

export async function inlineImage(img: InputImage, accepted: string[]): Promise<InlineImage> {
  const { bytes, mediaType } = await acceptedImage(img, accepted);
  return { data: bytes.toString('base64'), mimeType: mediaType };
}
