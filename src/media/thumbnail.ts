// Small previews for the draft renderer: raw pixels to composite onto a card.
import sharp from 'sharp';

export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
}

/** Raw RGB pixels fitting inside `maxWidth` x `maxHeight` (alpha flattened onto black), for compositing. */
export async function rawThumbnail(input: string | Buffer, maxWidth: number, maxHeight: number): Promise<RawImage> {
  const { data, info } = await sharp(input)
    .autoOrient()
    .resize(maxWidth, maxHeight, { fit: 'inside' })
    .flatten({ background: '#000000' })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}
