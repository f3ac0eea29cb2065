// Veo through generateVideos: submit once, record the operation name, poll it, download the video.
import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GenerateVideosOperation, type GenerateVideosConfig, type Image } from '@google/genai';
import sharp from 'sharp';
import type { GoogleCall } from './google-image.js';
import { nearestAspectRatio } from './size.js';
import { ProviderError, type GenerateContext, type GenerateRequest, type GenerateResult, type InputImage } from './types.js';

export interface VeoOptions {
  pollIntervalMs: number;
  /** Vertex AI accepts seed and generateAudio; the Gemini API rejects them. */
  vertex: boolean;
  /** Maps a failed poll to a ProviderError, so transient ones can be ridden out. */
  toError(err: unknown): unknown;
}

/** Consecutive transient poll failures tolerated: a failed attempt would pay for a new video. */
const MAX_POLL_FAILURES = 5;

export async function generateVeoVideo(call: GoogleCall, req: GenerateRequest, ctx: GenerateContext, opts: VeoOptions): Promise<GenerateResult> {
  let op: GenerateVideosOperation;
  if (ctx.resume) {
    op = new GenerateVideosOperation();
    op.name = ctx.resume;
    op = await poll(call, op, ctx, opts);
  } else {
    op = await submit(call, req, ctx, opts);
  }
  while (!op.done) {
    await sleep(opts.pollIntervalMs, undefined, { signal: ctx.signal });
    op = await poll(call, op, ctx, opts);
  }

  if (op.error) {
    const e = op.error as { code?: number; message?: string };
    throw new ProviderError(`${req.model.id} failed: ${e.message ?? JSON.stringify(op.error)}${e.code !== undefined ? ` (code ${e.code})` : ''}`, { retryable: false });
  }
  const response = op.response;
  const video = response?.generatedVideos?.[0];
  if (!video?.video) {
    const reasons = response?.raiMediaFilteredReasons?.join('; ');
    const filtered = response?.raiMediaFilteredCount ? ` (${response.raiMediaFilteredCount} filtered by safety checks)` : '';
    throw new ProviderError(`${req.model.id} returned no video${filtered}${reasons ? `: ${reasons}` : ''}`, { retryable: false });
  }

  ctx.onProgress({ state: 'downloading' });
  const tmp = join(tmpdir(), `aivp-veo-${randomUUID()}.mp4`);
  try {
    await call.ai.files.download({ file: video, downloadPath: tmp, config: { abortSignal: ctx.signal, httpOptions: call.httpOptions } });
    return { files: [{ bytes: await readFile(tmp) }], requestId: op.name, seed: opts.vertex ? req.seed : undefined };
  } finally {
    await rm(tmp, { force: true });
  }
}

async function submit(call: GoogleCall, req: GenerateRequest, ctx: GenerateContext, opts: VeoOptions): Promise<GenerateVideosOperation> {
  const [first, second] = req.keyframes;
  if (!first) throw new ProviderError(`${req.model.id} needs a keyframe to start from`, { retryable: false });
  const last = req.model.lastFrameField ? second : undefined;
  const ratio = req.aspectRatio ?? req.size?.aspectRatio;
  const config: GenerateVideosConfig = {
    numberOfVideos: 1,
    ...(req.duration !== undefined ? { durationSeconds: req.duration } : {}),
    ...(ratio ? { aspectRatio: snapRatio(ratio, req.model.aspectRatios) } : {}),
    ...(last ? { lastFrame: await imageOf(last, req) } : {}),
    ...(opts.vertex && req.seed !== undefined ? { seed: req.seed } : {}),
    ...req.params,
    abortSignal: ctx.signal,
    httpOptions: call.httpOptions,
  };
  ctx.onProgress({ state: 'submitting' });
  const op = await call.ai.models.generateVideos({
    model: req.model.id,
    source: { prompt: req.prompt, image: await imageOf(first, req) },
    config,
  });
  if (!op.name) throw new ProviderError(`${req.model.id}: the API returned no operation name`, { retryable: false });
  await ctx.onSubmitted(op.name);
  ctx.onProgress({ state: 'queued' });
  return op;
}

async function poll(call: GoogleCall, op: GenerateVideosOperation, ctx: GenerateContext, opts: VeoOptions): Promise<GenerateVideosOperation> {
  for (let failures = 0; ; failures++) {
    try {
      const next = await call.ai.operations.getVideosOperation({ operation: op, config: { abortSignal: ctx.signal, httpOptions: call.httpOptions } });
      const pct = (next.metadata as { progressPercent?: number } | undefined)?.progressPercent;
      ctx.onProgress({ state: 'running', log: pct !== undefined ? `${pct}%` : undefined });
      return next;
    } catch (err) {
      const mapped = opts.toError(err);
      if (ctx.signal.aborted || !(mapped instanceof ProviderError) || !mapped.retryable || failures + 1 >= MAX_POLL_FAILURES) throw mapped;
      ctx.onProgress({ state: 'running', log: `poll failed, retrying: ${mapped.message}` });
      await sleep(mapped.retryAfterMs ?? opts.pollIntervalMs * 2 ** failures, undefined, { signal: ctx.signal });
    }
  }
}

/** The keyframe as the model wants it: letterboxed to the row's input size when it has one. */
async function imageOf(img: InputImage, req: GenerateRequest): Promise<Image> {
  const size = req.model.inputSize;
  if (!size) return { imageBytes: (await readFile(img.path)).toString('base64'), mimeType: img.mediaType };
  const png = await sharp(img.path).resize(size.width, size.height, { fit: 'contain', background: '#000' }).png().toBuffer();
  return { imageBytes: png.toString('base64'), mimeType: 'image/png' };
}

function snapRatio(ratio: string, allowed: string[] | undefined): string {
  const m = /^(\d+):(\d+)$/.exec(ratio);
  return m && allowed?.length ? nearestAspectRatio(Number(m[1]), Number(m[2]), allowed) : ratio;
}
