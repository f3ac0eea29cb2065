// Sizes nothing can make: outside what the renderers make (SIZE_LIMITS), or outside the limits a
// model publishes for a `WxH` it is sent as written. Errors at `validate`, before anything is spent.
import { lookupModel } from '../providers/models.js';
import { resolveSize, SIZE_LIMITS, type ResolvedSize } from '../providers/size.js';
import type { PixelLimits } from '../providers/types.js';
import type { Reporter } from './report.js';
import type { Obj } from './resolve.js';
import type { Path } from './source.js';
import type { ImageNode, SegmentNode } from './types.js';

interface Limits extends Partial<PixelLimits> {
  minSide?: number;
  maxSide: number;
  maxRatio: number;
}

const count = (n: number) => n.toLocaleString('en-US');
const RENDERABLE: Limits = { minSide: SIZE_LIMITS.minSide, maxSide: SIZE_LIMITS.maxSide, maxRatio: SIZE_LIMITS.maxRatio };
const RENDERABLE_HINT = `image sides go from ${SIZE_LIMITS.minSide} to ${SIZE_LIMITS.maxSide} px, aspect ratios from 1:${SIZE_LIMITS.maxRatio} to ${SIZE_LIMITS.maxRatio}:1`;

/** Why `size` breaks `limits`, or undefined. The ratio is the one written (`999:1`), not the rounded pixels. */
function broken(size: ResolvedSize, limits: Limits): string | undefined {
  const [a, b] = size.aspectRatio.split(':').map(Number);
  const { width: w, height: h } = size;
  if (Math.max(a, b) / Math.min(a, b) > limits.maxRatio) return `its aspect ratio is beyond ${limits.maxRatio}:1 (or 1:${limits.maxRatio})`;
  if (Math.max(w, h) > limits.maxSide) return `it is larger than ${limits.maxSide} px a side`;
  if (limits.minSide !== undefined && Math.min(w, h) < limits.minSide) return `it is smaller than ${limits.minSide} px a side`;
  if (limits.maxPixels !== undefined && w * h > limits.maxPixels) return `it is over ${count(limits.maxPixels)} pixels`;
  if (limits.multipleOf !== undefined && (w % limits.multipleOf || h % limits.multipleOf)) return `its sides are not multiples of ${limits.multipleOf}`;
  return undefined;
}

const describe = (l: PixelLimits) =>
  `sides multiples of ${l.multipleOf}, up to ${l.maxSide} px and ${count(l.maxPixels)} pixels, aspect ratios up to ${l.maxRatio}:1`;

/** A node's `size` (its own or `defaults.image.size`) against the renderers and each model it may run on. */
export function checkImageSize(node: ImageNode, own: Obj, path: Path, report: Reporter): void {
  const source = node.kind === 'reference' && node.prompt === undefined && (node.file !== undefined || node.dir !== undefined);
  const size = node.size === undefined || source ? undefined : resolveSize(node.size);
  if (!size) return; // none, or malformed (the schema says so)
  const at = typeof own.size === 'string' ? [...path, 'size'] : ['defaults', 'image', 'size'];
  const renderable = broken(size, RENDERABLE);
  if (renderable) {
    report.error(at, `\`size\` ${node.size} cannot be made: ${renderable}`, { hint: RENDERABLE_HINT });
    return;
  }
  for (const model of new Set([node.model, ...node.fallback])) {
    const info = lookupModel(model, 'image')?.info;
    // Only a size sent as written: the others snap to the nearest size or ratio the model takes.
    if (info?.size !== 'pixels' || info.pixelSizes || !info.pixelLimits) continue;
    const reason = broken(size, info.pixelLimits);
    if (reason) report.error(at, `\`size\` ${node.size} cannot be made by \`${model}\`: ${reason}`, { hint: `\`${model}\` takes ${describe(info.pixelLimits)}` });
  }
}

/** A segment's `aspect_ratio` (its own or `defaults.video.aspect_ratio`) within what the renderers make. */
export function checkAspectRatio(node: SegmentNode, own: Obj, path: Path, report: Reporter): void {
  const ratio = node.aspect_ratio === undefined ? undefined : resolveSize(node.aspect_ratio);
  const reason = ratio && broken(ratio, { maxSide: Infinity, maxRatio: SIZE_LIMITS.maxRatio });
  if (!reason) return;
  const at = typeof own.aspect_ratio === 'string' ? [...path, 'aspect_ratio'] : ['defaults', 'video', 'aspect_ratio'];
  report.error(at, `\`aspect_ratio\` ${node.aspect_ratio} cannot be made: ${reason}`, { hint: `aspect ratios go from 1:${SIZE_LIMITS.maxRatio} to ${SIZE_LIMITS.maxRatio}:1` });
}
