// Test pictures, made by sharp: any size and format, in a colour given or one that follows a seed
// (different seeds, different bytes), with noise where an encoder must not collapse the picture.
import { createHash } from 'node:crypto';
import sharp from 'sharp';

export type Colour = string | { r: number; g: number; b: number };

export interface ImageSpec {
  /** 64 x 48 unless given. */
  width?: number;
  height?: number;
  /** A CSS colour or RGB; without one, the colour follows `seed`. */
  colour?: Colour;
  seed?: string;
  /** Gaussian noise instead of a flat colour. */
  noise?: boolean;
  format?: 'png' | 'jpeg' | 'webp' | 'gif';
  /** More than one: an animated image (webp or gif), each frame in a colour of its own. */
  frames?: number;
}

const NOISE = { type: 'gaussian', mean: 128, sigma: 40 } as const;

export async function makeImage(spec: ImageSpec = {}): Promise<Buffer> {
  const { width = 64, height = 48, format = 'png', frames = 1 } = spec;
  const still = (seed = '') =>
    sharp({ create: { width, height, channels: 3, background: spec.colour ?? colourOf(seed), noise: spec.noise ? NOISE : undefined } });
  if (frames === 1) return still(spec.seed).toFormat(format).toBuffer();
  const pages = await Promise.all(Array.from({ length: frames }, (_, i) => still(`${spec.seed ?? ''}|${i}`).png().toBuffer()));
  return sharp(pages, { join: { animated: true } }).toFormat(format, { loop: 0, delay: 100 }).toBuffer();
}

function colourOf(seed: string): Colour {
  const h = createHash('sha256').update(seed).digest();
  return { r: h[0], g: h[1], b: h[2] };
}
