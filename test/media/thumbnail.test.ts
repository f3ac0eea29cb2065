import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { rawThumbnail } from '../../src/media/thumbnail.js';
import { makeImage } from '../support/images.js';

describe('rawThumbnail', () => {
  it('gives RGB pixels inside the box, even for greyscale input', async () => {
    const grey = await sharp(await makeImage({ width: 300, height: 100, colour: '#777' })).toColourspace('b-w').png().toBuffer();
    const raw = await rawThumbnail(grey, 60, 60);
    expect([raw.width, raw.height, raw.data.length]).toEqual([60, 20, 60 * 20 * 3]);
  });
});
