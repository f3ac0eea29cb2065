// Sizes nothing can make: outside what the renderers make (SIZE_LIMITS), or outside the limits a
// model publishes for a `WxH` it is sent as written. Errors at `validate`, before anything is spent.
import { lookupModel } from '../providers/models.js';
import { describeLimits, resolveSize, SIZE_LIMITS, sizeProblem, type SizeLimits } from '../providers/size.js';
import type { Reporter } from './report.js';
import type { Obj } from './resolve.js';
import type { Path } from './source.js';
import type { ImageNode, SegmentNode } from './types.js';

const RENDERABLE: SizeLimits = { minSide: SIZE_LIMITS.minSide, maxSide: SIZE_LIMITS.maxSide, maxRatio: SIZE_LIMITS.maxRatio };
const RENDERABLE_HINT = `image sides go from ${SIZE_LIMITS.minSide} to ${SIZE_LIMITS.maxSide} px, aspect ratios from 1:${SIZE_LIMITS.maxRatio} to ${SIZE_LIMITS.maxRatio}:1`;

/** A node's `size` (its own or `defaults.image.size`) against the renderers and each model it may run on. */
export function checkImageSize(node: ImageNode, own: Obj, path: Path, report: Reporter): void {
  const source = node.kind === 'reference' && node.prompt === undefined && (node.file !== undefined || node.dir !== undefined);
  const size = node.size === undefined || source ? undefined : resolveSize(node.size);
  if (!size) return; // none, or malformed (the schema says so)
  const at = typeof own.size === 'string' ? [...path, 'size'] : ['defaults', 'image', 'size'];
  const renderable = sizeProblem(size, RENDERABLE);
  if (renderable) {
    report.error(at, `\`size\` ${node.size} cannot be made: ${renderable}`, { hint: RENDERABLE_HINT });
    return;
  }
  for (const model of new Set([node.model, ...node.fallback])) {
    const info = lookupModel(model, 'image')?.info;
    // Only a size sent as written: the others snap to the nearest ratio the model takes.
    if (info?.size !== 'pixels' || !info.pixelLimits) continue;
    const reason = sizeProblem(size, info.pixelLimits);
    if (reason) report.error(at, `\`size\` ${node.size} cannot be made by \`${model}\`: ${reason}`, { hint: `\`${model}\` takes ${describeLimits(info.pixelLimits)}` });
  }
}

/** A segment's `aspect_ratio` (its own or `defaults.video.aspect_ratio`) within what the renderers make. */
export function checkAspectRatio(node: SegmentNode, own: Obj, path: Path, report: Reporter): void {
  const ratio = node.aspect_ratio === undefined ? undefined : resolveSize(node.aspect_ratio);
  const reason = ratio && sizeProblem(ratio, { maxSide: Infinity, maxRatio: SIZE_LIMITS.maxRatio });
  if (!reason) return;
  const at = typeof own.aspect_ratio === 'string' ? [...path, 'aspect_ratio'] : ['defaults', 'video', 'aspect_ratio'];
  report.error(at, `\`aspect_ratio\` ${node.aspect_ratio} cannot be made: ${reason}`, { hint: `aspect ratios go from 1:${SIZE_LIMITS.maxRatio} to ${SIZE_LIMITS.maxRatio}:1` });
}
