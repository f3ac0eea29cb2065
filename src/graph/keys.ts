// Node keys (SPEC section 3): SHA-256 over a canonical encoding of everything that decides the
// output. Names and output paths are left out, so renaming a node costs nothing; inputs enter by
// content hash, so an upstream regenerated to identical bytes changes nothing downstream.
import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';
import { declaredDuration } from '../project/film.js';
import { canonicalModel } from '../providers/models.js';
import type { GraphNode } from './types.js';

export const KEY_VERSION = 1;

/** What goes into a key besides the inputs, also recorded so `plan` can say what changed. */
export interface KeyParams {
  size?: string;
  num_images?: number;
  duration?: number;
  aspect_ratio?: string;
  /** Only when sound is asked for: `false` is what every row sends unasked, so it changes nothing. */
  audio?: true;
  params: Record<string, unknown>;
}

export function keyParams(node: GraphNode): KeyParams {
  const spec = node.spec;
  if (spec.kind === 'segment') {
    return { duration: spec.duration, aspect_ratio: spec.aspect_ratio, audio: spec.audio === true || undefined, params: spec.params };
  }
  if (spec.kind === 'film') {
    // The edit settings; the clips and the sound track enter as inputs, in order.
    const size = spec.size && `${spec.size.width}x${spec.size.height}`;
    return { size, params: { transition: spec.transition, fps: spec.fps, ...(spec.audio ? { volume: spec.audio.volume } : {}) } };
  }
  return { size: spec.size, num_images: spec.num_images, params: spec.params };
}

/**
 * What a record keeps as its `params`: the key's parameters, the film's edit settings at the top
 * level (`{ size, transition, fps }`, not `params.params`); the key itself is unchanged.
 */
export function recordParams(node: GraphNode): Record<string, unknown> {
  const p = keyParams(node);
  return JSON.parse(JSON.stringify(node.kind === 'film' ? { size: p.size, ...p.params } : p)) as Record<string, unknown>;
}

/** Whether a record's params are the node's: as recorded now, or a film recorded before (nested). */
export function sameParams(node: GraphNode, recorded: unknown): boolean {
  const now = stringify(recordParams(node));
  return stringify(recorded) === now || (node.kind === 'film' && stringify(recorded) === stringify(keyParams(node)));
}

/** The seed an image node asks for; segments and the film have none. */
export function seedOf(spec: GraphNode['spec']): number | undefined {
  return spec.kind === 'segment' || spec.kind === 'film' ? undefined : spec.seed;
}

export interface KeyInput {
  role: string;
  sha256: string;
}

export function computeKey(node: GraphNode, inputs: KeyInput[]): string {
  const spec = node.spec;
  // stringify only returns undefined for undefined input.
  const canonical = stringify({
    v: KEY_VERSION,
    kind: node.kind,
    provider: node.provider,
    model: canonicalModel(node.model),
    prompt: spec.prompt ?? null,
    seed: seedOf(spec) ?? null,
    // Draft clips became MP4 (they were animated WebP), lasting what the segment's own model makes.
    ...(node.provider === 'draft' && spec.kind === 'segment' ? { draftVideo: 'mp4', lasts: declaredDuration(spec) } : {}),
    ...keyParams(node),
    inputs: inputs.map((i) => [i.role, i.sha256]),
  });
  return createHash('sha256').update(canonical!).digest('hex');
}
