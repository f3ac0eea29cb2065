import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fitImage } from '../../src/media/resize.js';
import { rawThumbnail, thumbnail } from '../../src/media/thumbnail.js';
import { solid, tempDir, writeImage } from './helpers.js';

async function pixel(png: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * info.channels;
  return [...data.subarray(i, i + 3)];
}

describe('fitImage', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let wide: string;
  beforeEach(async () => {
    tmp = await tempDir();
    wide = await writeImage(tmp.dir, 'wide.png', await solid(400, 200, '#ff0000'));
  });
  afterEach(() => tmp.cleanup());

  it('letterboxes a 2:1 image to exactly 1024x1024 with black bars', async () => {
    const out = await fitImage(wide, 1024, 1024, 'letterbox');
    expect(await sharp(out).metadata()).toMatchObject({ format: 'png', width: 1024, height: 1024 });
    expect(await pixel(out, 512, 10)).toEqual([0, 0, 0]);
    expect(await pixel(out, 512, 1013)).toEqual([0, 0, 0]);
    expect(await pixel(out, 512, 512)).toEqual([255, 0, 0]);
    expect(await pixel(out, 2, 512)).toEqual([255, 0, 0]);
  });

  it('cover fills the frame with no bars', async () => {
    const out = await fitImage(wide, 300, 300, 'cover');
    expect(await sharp(out).metadata()).toMatchObject({ width: 300, height: 300 });
    expect(await pixel(out, 150, 1)).toEqual([255, 0, 0]);
  });

  it('flattens transparency onto black', async () => {
    const clear = await sharp({ create: { width: 10, height: 10, channels: 4, background: { r: 255, g: 255, b: 255, alpha: 0 } } }).png().toBuffer();
    const out = await fitImage(await writeImage(tmp.dir, 'clear.png', clear), 20, 20, 'letterbox');
    expect(await pixel(out, 10, 10)).toEqual([0, 0, 0]);
  });
});

describe('thumbnail', () => {
  it('shrinks to maxWidth keeping the aspect ratio, webp by default, jpeg on request', async () => {
    const src = await solid(800, 400, '#00ff00');
    expect(await sharp(await thumbnail(src, 200)).metadata()).toMatchObject({ format: 'webp', width: 200, height: 100 });
    expect(await sharp(await thumbnail(src, 100, { format: 'jpeg' })).metadata()).toMatchObject({ format: 'jpeg', width: 100, height: 50 });
  });

  it('never enlarges', async () => {
    expect(await sharp(await thumbnail(await solid(50, 40, '#123456'), 300)).metadata()).toMatchObject({ width: 50, height: 40 });
  });

  it('rawThumbnail gives RGB pixels inside the box, even for greyscale input', async () => {
    const grey = await sharp({ create: { width: 300, height: 100, channels: 3, background: '#777' } }).toColourspace('b-w').png().toBuffer();
    const raw = await rawThumbnail(grey, 60, 60);
    expect([raw.width, raw.height, raw.data.length]).toEqual([60, 20, 60 * 20 * 3]);
  });
});
