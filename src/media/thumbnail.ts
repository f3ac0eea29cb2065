// Small previews for the draft renderer and the gallery.
import sharp from 'sharp';

export interface ThumbnailOptions {
  /** Default webp. */
  format?: 'webp' | 'jpeg';
}

/** A still of the first frame, at most `maxWidth` wide (never enlarged), aspect kept. */
export async function thumbnail(input: string | Buffer, maxWidth: number, opts: ThumbnailOptions = {}): Promise<Buffer> {
  const pipeline = sharp(input).autoOrient().resize({ width: maxWidth, withoutEnlargement: true });
  return opts.format === 'jpeg'
    ? pipeline.flatten({ background: '#000000' }).jpeg({ quality: 80 }).toBuffer()
    : pipeline.webp({ quality: 80 }).toBuffer();
}

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
