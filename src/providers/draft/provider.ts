// The offline draft provider: free, no network, deterministic. Images are cards showing the node,
// the prompt and what went in; segments are H.264 MP4 animatics of their declared duration over
// exactly the keyframes their model receives (the graph chose them), which needs ffmpeg.
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { Env } from '../../base/env.js';
import { encodeFrames } from '../../media/encode.js';
import { findFfmpeg } from '../../media/ffmpeg.js';
import { animaticFrames } from '../../media/animatic.js';
import { renderCard, renderCardRaw, thumbHeight, type CardSpec, type CardThumb } from '../../media/card.js';
import { rawThumbnail, type RawImage } from '../../media/thumbnail.js';
import { ProviderError, type GenerateContext, type GenerateRequest, type GenerateResult, type InputImage, type Provider } from '../types.js';

const DEFAULT_SIZE = { width: 1024, height: 768 };
/** Small but real: 640 px wide at 24 fps renders a 5 s clip in about a second. */
const ANIMATIC_WIDTH = 640;
const ANIMATIC_FPS = 24;
const DEFAULT_DURATION = 5;
/** Thumbnails kept between renders: watch mode redraws the same inputs over and over. */
const THUMB_CACHE_SIZE = 256;

export function createDraftProvider(opts: { env: Env } = { env: process.env }): Provider {
  const thumbs = new ThumbCache();
  return {
    id: 'draft',
    async generate(req: GenerateRequest, ctx: GenerateContext): Promise<GenerateResult> {
      ctx.signal.throwIfAborted();
      ctx.onProgress({ state: 'running' });
      const seed = req.seed ?? seedFromPrompt(req.prompt ?? '');
      const files = req.model.media === 'video' ? [await segment(req, seed, opts.env, ctx.signal)] : await images(req, seed, thumbs, ctx.signal);
      ctx.signal.throwIfAborted();
      return { files: files.map((bytes) => ({ bytes })), seed, costUsd: 0 };
    },
  };
}

/** Input thumbnails by content, path and height; past THUMB_CACHE_SIZE the oldest goes. */
class ThumbCache {
  private readonly thumbs = new Map<string, Promise<RawImage | undefined>>();

  get(img: InputImage, height: number): Promise<RawImage | undefined> {
    const key = `${img.sha256}\0${img.path}\0${height}`;
    let hit = this.thumbs.get(key);
    if (!hit) {
      // An unreadable input (a video, a format sharp lacks) gets a placeholder box, not a failure.
      hit = rawThumbnail(img.path, height * 2, height).catch(() => undefined);
      if (this.thumbs.size >= THUMB_CACHE_SIZE) this.thumbs.delete(this.thumbs.keys().next().value!);
      this.thumbs.set(key, hit);
    }
    return hit;
  }
}

/** One card per take: the node, the prompt and a thumbnail of each input. */
async function images(req: GenerateRequest, seed: number, thumbs: ThumbCache, signal: AbortSignal): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (const spec of await cardSpecs(req, seed, thumbs, signal)) {
    signal.throwIfAborted();
    out.push(await renderCard(spec));
  }
  return out;
}

async function cardSpecs(req: GenerateRequest, seed: number, thumbs: ThumbCache, signal: AbortSignal): Promise<CardSpec[]> {
  const { width, height } = req.size ?? DEFAULT_SIZE;
  const inputs: Array<[string, InputImage]> = [
    ...(req.input ? [['input', req.input] as [string, InputImage]] : []),
    ...(req.mask ? [['mask', req.mask] as [string, InputImage]] : []),
    ...req.refs.map((r) => ['ref', r] as [string, InputImage]),
  ];
  const th = thumbHeight(height);
  const cardThumbs: CardThumb[] = [];
  for (const [role, img] of inputs) {
    signal.throwIfAborted();
    cardThumbs.push({ label: `${role}: ${img.name}`, image: th >= 8 ? await thumbs.get(img, th) : undefined });
  }
  const n = Math.max(1, req.numImages);
  return Array.from({ length: n }, (_, i) => ({
    width,
    height,
    hash: digest(['draft-image', req.prompt ?? '', seed, i]),
    title: req.node,
    text: req.prompt ?? '(no prompt)',
    footer: `draft · seed ${seed} · ${width}×${height}${n > 1 ? ` · ${i + 1}/${n}` : ''}`,
    thumbs: cardThumbs,
  }));
}

/** The animatic of a segment over its keyframes (or over a card of its prompt when it has none). */
async function segment(req: GenerateRequest, seed: number, env: Env, signal: AbortSignal): Promise<Buffer> {
  const aspect = parseRatio(req.aspectRatio) ?? (await keyframeRatio(req.keyframes[0])) ?? 16 / 9;
  const width = ANIMATIC_WIDTH;
  const height = even(width / aspect);
  const keyframes: Array<string | RawImage> = req.keyframes.length
    ? req.keyframes.slice(0, 2).map((k) => k.path)
    : [await renderCardRaw({ width, height, hash: digest(['draft-segment', req.prompt ?? '', seed]), title: req.node, text: req.prompt ?? '', footer: `draft · seed ${seed}`, thumbs: [] })];
  const names = req.keyframes.map((k) => k.name).join(' → ');
  const found = findFfmpeg(env);
  if ('missing' in found) throw new ProviderError(found.missing, { retryable: false });
  const frames = animaticFrames({
    keyframes,
    width,
    height,
    duration: req.duration ?? DEFAULT_DURATION,
    fps: ANIMATIC_FPS,
    caption: [`DRAFT ${req.node}`, names, req.prompt].filter(Boolean).join(' · '),
    signal,
  });
  return encodeFrames(found.path, { width, height, fps: ANIMATIC_FPS }, frames, signal);
}

/** A stable seed in [0, 2^31) for requests that name none. */
function seedFromPrompt(prompt: string): number {
  return parseInt(digest(['draft-seed', prompt]).slice(0, 8), 16) & 0x7fffffff;
}

function digest(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

function parseRatio(ratio: string | undefined): number | undefined {
  const m = ratio?.match(/^(\d+(?:\.\d+)?)[:x](\d+(?:\.\d+)?)$/);
  if (!m) return undefined;
  const r = Number(m[1]) / Number(m[2]);
  return r > 0 && Number.isFinite(r) ? r : undefined;
}

async function keyframeRatio(img: InputImage | undefined): Promise<number | undefined> {
  if (!img) return undefined;
  const meta = await sharp(img.path).metadata().catch(() => undefined);
  return meta ? meta.autoOrient.width / meta.autoOrient.height : undefined;
}

function even(x: number): number {
  return Math.max(2, 2 * Math.round(x / 2));
}
