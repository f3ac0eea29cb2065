// `size:` as written in the project (square|portrait|landscape, WxH, or W:H) -> pixels and ratio.
import type { PixelLimits } from './types.js';

export interface ResolvedSize {
  width: number;
  height: number;
  /** Reduced ratio, e.g. "4:3". */
  aspectRatio: string;
  /** The preset name when one was used. */
  name?: 'square' | 'portrait' | 'landscape';
}

const PRESETS = {
  square: { width: 1024, height: 1024 },
  portrait: { width: 768, height: 1024 },
  landscape: { width: 1024, height: 768 },
} as const;

export const SIZE_PATTERN = /^(square|portrait|landscape|[1-9]\d{1,4}x[1-9]\d{1,4}|[1-9]\d{0,2}:[1-9]\d{0,2})$/;

/**
 * What the renderers can make, whatever the model: image sides 64 to 8192 px, aspect ratios 1:4 to
 * 4:1, a film at most 4096x4096. `validate` refuses a size outside them.
 */
export const SIZE_LIMITS = { minSide: 64, maxSide: 8192, maxRatio: 4, filmMaxSide: 4096 } as const;

/** Undefined for a malformed size (the schema rejects those before we get here). */
export function resolveSize(size: string): ResolvedSize | undefined {
  // Own keys only: `size: __proto__` or `toString` must read as malformed, not as a preset.
  if (Object.hasOwn(PRESETS, size)) {
    const name = size as keyof typeof PRESETS;
    return { ...PRESETS[name], aspectRatio: ratio(PRESETS[name].width, PRESETS[name].height), name };
  }
  let m = /^(\d+)x(\d+)$/.exec(size);
  if (m) {
    const width = Number(m[1]);
    const height = Number(m[2]);
    return { width, height, aspectRatio: ratio(width, height) };
  }
  m = /^(\d+):(\d+)$/.exec(size);
  if (m) {
    const rw = Number(m[1]);
    const rh = Number(m[2]);
    // About one megapixel, both sides multiples of 16 as image models expect.
    const scale = Math.sqrt((1024 * 1024) / (rw * rh));
    const width = Math.max(16, Math.round((rw * scale) / 16) * 16);
    const height = Math.max(16, Math.round((rh * scale) / 16) * 16);
    return { width, height, aspectRatio: ratio(rw, rh) };
  }
  return undefined;
}

function ratio(w: number, h: number): string {
  const g = gcd(w, h);
  return `${w / g}:${h / g}`;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** The closest of `allowed` ratios to width/height (for models that take an aspect_ratio enum). */
export function nearestAspectRatio(width: number, height: number, allowed: string[]): string {
  const target = Math.log(width / height);
  let best = allowed[0];
  let bestDist = Infinity;
  for (const r of allowed) {
    const [a, b] = r.split(':').map(Number);
    const dist = Math.abs(Math.log(a / b) - target);
    if (dist < bestDist) {
      best = r;
      bestDist = dist;
    }
  }
  return best;
}

/** Limits a size may break: the renderers' (SIZE_LIMITS) or a model's published ones (PixelLimits). */
export interface SizeLimits extends Partial<Omit<PixelLimits, 'maxSide' | 'maxRatio'>> {
  minSide?: number;
  maxSide: number;
  maxRatio: number;
}

const count = (n: number) => n.toLocaleString('en-US');

/** Why `size` breaks `limits`, or undefined. The ratio is the one written (`999:1`), not the rounded pixels. */
export function sizeProblem(size: ResolvedSize, limits: SizeLimits): string | undefined {
  const [a, b] = size.aspectRatio.split(':').map(Number);
  const { width: w, height: h } = size;
  if (Math.max(a, b) / Math.min(a, b) > limits.maxRatio) return `its aspect ratio is beyond ${limits.maxRatio}:1 (or 1:${limits.maxRatio})`;
  if (Math.max(w, h) > limits.maxSide) return `it is larger than ${limits.maxSide} px a side`;
  if (limits.minSide !== undefined && Math.min(w, h) < limits.minSide) return `it is smaller than ${limits.minSide} px a side`;
  if (limits.maxPixels !== undefined && w * h > limits.maxPixels) return `it is over ${count(limits.maxPixels)} pixels`;
  if (limits.minPixels !== undefined && w * h < limits.minPixels) return `it is under ${count(limits.minPixels)} pixels`;
  if (limits.multipleOf !== undefined && (w % limits.multipleOf || h % limits.multipleOf)) return `its sides are not multiples of ${limits.multipleOf}`;
  return undefined;
}

/** A model's published limits in words, for hints. */
export const describeLimits = (l: PixelLimits) =>
  `sides multiples of ${l.multipleOf}, up to ${l.maxSide} px, ${l.minPixels ? `${count(l.minPixels)} to ` : 'up to '}${count(l.maxPixels)} pixels, aspect ratios up to ${l.maxRatio}:1`;
