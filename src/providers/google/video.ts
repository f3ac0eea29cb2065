// Veo through generateVideos: submit once, record the operation name, poll it, download the video.
import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GenerateVideosOperation, type GenerateVideosConfig, type GeneratedVideo, type Image } from '@google/genai';
import { probeMedia } from '../../media/probe.js';
import type { GoogleCall } from './image.js';
import { VEO_IMAGE_TYPES, inlineImage } from './media.js';
import { readGcsObject, type GcsAccess } from './storage.js';
import { defaultDuration } from '../models.js';
import { nearestAspectRatio } from '../size.js';
import { ProviderError, type GenerateContext, type GenerateRequest, type GenerateResult, type InputImage } from '../types.js';
import { withCallSignal } from '../transport.js';

export interface VeoOptions {
  pollIntervalMs: number;
  /** Vertex AI accepts seed and generateAudio; the Gemini API rejects them. */
  vertex: boolean;
  /** Vertex: where results delivered to a bucket (`params.outputGcsUri`) are read. */
  storage?: GcsAccess;
  /** Maps a failed poll to a ProviderError, so transient ones can be ridden out. */
  toError(err: unknown): unknown;
}

/** Tries per poll or download before a transient failure fails the attempt. */
const MAX_RETRIES = 5;

export async function generateVeoVideo(call: GoogleCall, req: GenerateRequest, ctx: GenerateContext, opts: VeoOptions): Promise<GenerateResult> {
  let op = ctx.resume ? await reattach(call, ctx.resume, ctx, opts) : undefined;
  op ??= await submit(call, req, ctx, opts);
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
  const bytes = await videoBytes(call, video, ctx, opts);
  return { files: [{ bytes }], requestId: op.name, seed: opts.vertex ? req.seed : undefined };
}

/**
 * The operation an interrupted build left, or undefined when there is nothing to wait for: one
 * that ended in error, or that Google no longer knows, is forgotten and submitted afresh (the
 * new name replaces it in the in-flight record), as fal's path does.
 */
async function reattach(call: GoogleCall, name: string, ctx: GenerateContext, opts: VeoOptions): Promise<GenerateVideosOperation | undefined> {
  const saved = new GenerateVideosOperation();
  saved.name = name;
  try {
    const op = await poll(call, saved, ctx, opts);
    if (!op.done || !op.error) return op;
    ctx.onProgress({ state: 'running', log: `operation ${name} had failed; submitting afresh` });
  } catch (err) {
    if (!(err instanceof ProviderError && err.status === 404)) throw err;
    ctx.onProgress({ state: 'running', log: `operation ${name} is unknown to Google; submitting afresh` });
  }
  return undefined;
}

/**
 * Vertex AI returns the bytes inline or, with outputGcsUri, a `gs://` object; the Gemini API a
 * file to download. A download that is not a whole video (a proxy's page, a cut-off transfer)
 * is fetched again.
 */
async function videoBytes(call: GoogleCall, generated: GeneratedVideo, ctx: GenerateContext, opts: VeoOptions): Promise<Buffer> {
  const { videoBytes: inline, uri } = generated.video ?? {};
  if (inline) return asVideo(Buffer.from(inline, 'base64'), 'the inline video');
  if (uri?.startsWith('gs://')) {
    const storage = opts.storage;
    if (!storage) throw new ProviderError(`Veo returned ${uri}, which only Vertex AI credentials can read`, { retryable: false });
    return persist('download', ctx, opts, async () => asVideo(await readGcsObject(uri, storage, ctx.signal), uri));
  }
  return persist('download', ctx, opts, async () => asVideo(await downloadFile(call, generated, ctx), uri ?? 'the video file'));
}

async function downloadFile(call: GoogleCall, file: GeneratedVideo, ctx: GenerateContext): Promise<Buffer> {
  const tmp = join(tmpdir(), `aivp-veo-${randomUUID()}.mp4`);
  try {
    await withCallSignal(ctx.signal, (abortSignal) => call.ai.files.download({ file, downloadPath: tmp, config: { abortSignal, httpOptions: call.httpOptions } }));
    return await readFile(tmp);
  } finally {
    await rm(tmp, { force: true });
  }
}

async function asVideo(bytes: Buffer, from: string): Promise<Buffer> {
  const media = await probeMedia(bytes).catch((err: Error) => {
    throw new ProviderError(`${from} is not a whole video: ${err.message}`, { retryable: true });
  });
  if (media.kind !== 'video') throw new ProviderError(`${from} is not a video but ${media.mediaType}`, { retryable: true });
  return bytes;
}

async function submit(call: GoogleCall, req: GenerateRequest, ctx: GenerateContext, opts: VeoOptions): Promise<GenerateVideosOperation> {
  const [first, second] = req.keyframes;
  if (!first) throw new ProviderError(`${req.model.id} needs a keyframe to start from`, { retryable: false });
  const last = req.model.lastFrameField ? second : undefined;
  const ratio = req.aspectRatio ?? req.size?.aspectRatio;
  // Always sent: Veo's own default (8 s) would otherwise decide the length, the film and the bill.
  const seconds = req.duration ?? defaultDuration(req.model);
  const config: GenerateVideosConfig = {
    numberOfVideos: 1,
    ...(seconds !== undefined ? { durationSeconds: seconds } : {}),
    ...(ratio ? { aspectRatio: snapRatio(ratio, req.model.aspectRatios) } : {}),
    ...(last ? { lastFrame: await imageOf(last) } : {}),
    ...(opts.vertex && req.seed !== undefined ? { seed: req.seed } : {}),
    ...req.params,
    httpOptions: call.httpOptions,
  };
  ctx.onProgress({ state: 'submitting' });
  const image = await imageOf(first);
  const op = await withCallSignal(ctx.signal, (abortSignal) => call.ai.models.generateVideos({
    model: req.model.id,
    source: { prompt: req.prompt, image },
    config: { ...config, abortSignal },
  }));
  if (!op.name) throw new ProviderError(`${req.model.id}: the API returned no operation name`, { retryable: false });
  await ctx.onSubmitted(op.name);
  ctx.onProgress({ state: 'queued' });
  return op;
}

async function poll(call: GoogleCall, op: GenerateVideosOperation, ctx: GenerateContext, opts: VeoOptions): Promise<GenerateVideosOperation> {
  const next = await persist('poll', ctx, opts, () => withCallSignal(ctx.signal, (abortSignal) =>
    call.ai.operations.getVideosOperation({ operation: op, config: { abortSignal, httpOptions: call.httpOptions } })));
  const pct = (next.metadata as { progressPercent?: number } | undefined)?.progressPercent;
  ctx.onProgress({ state: 'running', log: pct !== undefined ? `${pct}%` : undefined });
  return next;
}

/** Rides out transient failures once the video is submitted: failing the attempt would pay again. */
async function persist<T>(what: string, ctx: GenerateContext, opts: VeoOptions, fn: () => Promise<T>): Promise<T> {
  for (let failures = 0; ; failures++) {
    try {
      return await fn();
    } catch (err) {
      const mapped = opts.toError(err);
      if (ctx.signal.aborted || !(mapped instanceof ProviderError) || !mapped.retryable || failures + 1 >= MAX_RETRIES) throw mapped;
      ctx.onProgress({ state: 'running', log: `${what} failed, retrying: ${mapped.message}` });
      await sleep(mapped.retryAfterMs ?? opts.pollIntervalMs * 2 ** failures, undefined, { signal: ctx.signal });
    }
  }
}

/** The keyframe inline, in a type Veo takes. */
async function imageOf(img: InputImage): Promise<Image> {
  const { data, mimeType } = await inlineImage(img, VEO_IMAGE_TYPES);
  return { imageBytes: data, mimeType };
}

function snapRatio(ratio: string, allowed: string[] | undefined): string {
  const m = /^(\d+):(\d+)$/.exec(ratio);
  return m && allowed?.length ? nearestAspectRatio(Number(m[1]), Number(m[2]), allowed) : ratio;
}
