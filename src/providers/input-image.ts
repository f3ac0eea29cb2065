// A local image about to leave the machine (uploaded to fal storage, or inlined in a request to
// Google, OpenAI, ImageRouter or Stability): the one check that its bytes are an image of a type
// aivp sends, and the image as each provider takes it.
import { readMedia } from '../base/read.js';
import { UsageError } from '../base/errors.js';
import { convertImage } from '../media/convert.js';
import { notAnImageHead, probeMedia, SENDABLE_IMAGE_FORMATS } from '../media/probe.js';
import type { InputImage } from './types.js';

export interface AcceptedImage {
  bytes: Buffer;
  mediaType: string;
}

/**
 * The bytes of a local image with the media type they announce, or a UsageError (exit 2) and
 * nothing sent: a file that is not a regular file, not PNG/JPEG/GIF/WebP/BMP by its first bytes, or
 * not decodable (a renamed text file, a truncated download, whatever a link pointed at).
 */
export async function sendableImage(img: Pick<InputImage, 'name' | 'path'>): Promise<AcceptedImage> {
  const what = img.name === img.path ? img.path : `\`${img.name}\` (${img.path})`;
  const refuse = (why: string) => new UsageError(`${what} is not an image: ${why} (nothing was sent)`);
  const bytes = await readMedia(img.path, { follow: true });
  if (bytes === undefined) throw refuse('not a readable regular file');
  const why = notAnImageHead(bytes.subarray(0, 32), SENDABLE_IMAGE_FORMATS);
  if (why) throw refuse(why);
  const media = await probeMedia(bytes).catch((err: Error) => {
    throw refuse(err.message);
  });
  return { bytes, mediaType: media.mediaType };
}

/** The image in a type the provider accepts: its own bytes when it does, else re-encoded as PNG (Gemini, Veo, OpenAI and Stability each accept a different few types). */
export async function acceptedImage(img: InputImage, accepted: readonly string[]): Promise<AcceptedImage> {
  const image = await sendableImage(img);
  if (accepted.includes(image.mediaType)) return image;
  return { bytes: await convertImage(image.bytes, 'png'), mediaType: 'image/png' };
}
