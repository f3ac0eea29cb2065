// A local input image as a provider takes it: its own bytes when the provider accepts its type,
// else re-encoded as PNG (Gemini, Veo, OpenAI and Stability each accept a different few types).
import { readFile } from 'node:fs/promises';
import { convertImage } from '../media/convert.js';
import type { InputImage } from './types.js';

export interface AcceptedImage {
  bytes: Buffer;
  mediaType: string;
}

export async function acceptedImage(img: InputImage, accepted: readonly string[]): Promise<AcceptedImage> {
  const bytes = await readFile(img.path);
  if (accepted.includes(img.mediaType)) return { bytes, mediaType: img.mediaType };
  return { bytes: await convertImage(bytes, 'png'), mediaType: 'image/png' };
}
