// `size:` as written in the project (square|portrait|landscape, WxH, or W:H) -> pixels and ratio.

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

/**
 * The closest of `allowed` `WxH` sizes to width/height (for models that take a size enum, like
 * OpenAI's): the nearest aspect ratio first, then, among sizes of that ratio, the nearest area.
 */
export function nearestPixelSize(width: number, height: number, allowed: string[]): string {
  const dims = (s: string) => s.split('x').map(Number) as [number, number];
  const distance = (s: string): [number, number] => {
    const [w, h] = dims(s);
    return [Math.abs(Math.log(w / h / (width / height))), Math.abs(Math.log((w * h) / (width * height)))];
  };
  const EPS = 1e-9;
  return allowed.reduce((best, s) => {
    const [r, a] = distance(s);
    const [br, ba] = distance(best);
    return r < br - EPS || (Math.abs(r - br) <= EPS && a < ba) ? s : best;
  });
}
