// The one-off commands of the seed scripts (`aivp generate`, `edit`, `upload`): one call, JSON out,
// optional local copies. fal models keep the seed scripts' URLs and uploads cache; every other
// provider is routed by model id exactly as a build routes it (routed.ts).
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import sharp from 'sharp';
import type { Env } from '../base/env.js';
import { UsageError } from '../base/errors.js';
import { falKeyPresent, MISSING_KEY_MESSAGE } from '../providers/fal/credentials.js';
import { toProviderError } from '../providers/fal/errors.js';
import { falInput } from '../providers/fal/input.js';
import { assertNotBlocked, downloadBytes, outputRefs } from '../providers/fal/output.js';
import { runQueued, tolerateTransient } from '../providers/fal/queue.js';
import { rememberUrls } from '../providers/fal/uploads.js';
import { sha256Bytes } from '../media/hash.js';
import { createFalRuntime, type FalRuntime } from '../providers/fal/provider.js';
import { lookupModel, ROUTING_HINT, takesImages, withImages } from '../providers/models.js';
import { resolveSize } from '../providers/size.js';
import type { ModelInfo, Progress } from '../providers/types.js';
import { localImage, numbered, save } from './files.js';
import { runRouted, type RoutedContext } from './routed.js';

export { numbered };

export interface OneOffContext {
  env: Env;
  /** Folder whose `.aivp/uploads.json` caches uploads (the project root, or the current folder). */
  root: string;
  signal?: AbortSignal;
  onProgress?(p: Progress): void;
  pollIntervalMs?: number;
  /** Where images from providers that answer bytes are saved without --output (default: the current folder). */
  cwd?: string;
  fetch?: typeof fetch;
}

export interface GenerateOptions {
  prompt: string;
  model?: string;
  imageUrl?: string;
  /** Local input image, uploaded (once per content). */
  file?: string;
  size?: string;
  numImages?: number;
  seed?: number;
  /** Save the image here; several images go to `<stem>_1<ext>`, `<stem>_2<ext>`, … */
  output?: string;
}

export interface EditOptions {
  prompt: string;
  model?: string;
  imageUrl?: string;
  file?: string;
  /** Mask as a URL or a local file. */
  mask?: string;
  output?: string;
}

export interface OneOffImage {
  url: string;
  /** The saved file, for providers that answer bytes rather than URLs. */
  path?: string;
  width?: number;
  height?: number;
}

export interface OneOffResult {
  images: OneOffImage[];
}

export const DEFAULT_GENERATE_MODEL = 'fal-ai/nano-banana-pro';
export const DEFAULT_EDIT_MODEL = 'fal-ai/nano-banana-pro/edit';

export async function runGenerate(o: GenerateOptions, ctx: OneOffContext): Promise<OneOffResult> {
  const size = resolveSize(o.size ?? 'landscape');
  if (!size) throw new UsageError(`bad --size "${o.size}": use square, portrait, landscape, WxH or W:H`);
  const hasImage = o.imageUrl !== undefined || o.file !== undefined;
  const model = modelFor(o.model ?? DEFAULT_GENERATE_MODEL, hasImage);
  await checkReadable(o.file);
  if (model.provider !== 'fal') {
    localOnly(model, o.imageUrl);
    return runRouted({ model, prompt: o.prompt, size, numImages: o.numImages ?? 1, seed: o.seed, file: o.file, output: o.output }, routed(ctx));
  }
  return runOnce(model, ctx, o.output, async (rt) => falInput(
    { model, prompt: o.prompt, seed: o.seed, size, numImages: o.numImages ?? 1, params: {} },
    { input: await imageUrl(rt, o.imageUrl, o.file), refs: [], keyframes: [] },
  ));
}

export async function runEdit(o: EditOptions, ctx: OneOffContext): Promise<OneOffResult> {
  if (o.imageUrl === undefined && o.file === undefined) throw new UsageError('edit needs --image-url or --file');
  const model = modelFor(o.model ?? DEFAULT_EDIT_MODEL, true);
  const isUrl = o.mask !== undefined && /^(https?|data):/.test(o.mask);
  await checkReadable(o.file);
  await checkReadable(isUrl ? undefined : o.mask);
  if (model.provider !== 'fal') {
    localOnly(model, isUrl ? o.mask : o.imageUrl);
    return runRouted({ model, prompt: o.prompt, numImages: 1, file: o.file, mask: o.mask, output: o.output }, routed(ctx));
  }
  return runOnce(model, ctx, o.output, async (rt) => {
    return falInput(
      { model, prompt: o.prompt, numImages: 1, params: {} },
      {
        input: await imageUrl(rt, o.imageUrl, o.file),
        mask: await imageUrl(rt, isUrl ? o.mask : undefined, isUrl ? undefined : o.mask),
        refs: [],
        keyframes: [],
      },
    );
  });
}

/** Uploads a local file (once per content) and returns its fal URL. */
export async function runUpload(file: string, ctx: OneOffContext): Promise<string> {
  await checkReadable(file);
  const rt = runtime(ctx);
  try {
    return await uploadFile(rt, file);
  } catch (err) {
    throw err instanceof UsageError ? err : toProviderError(err, rt.setup.secrets);
  }
}

/** Routed like a build; an image-taking variant (`…/edit`) when a text-to-image model is given an input image. */
function modelFor(id: string, hasImage: boolean): ModelInfo {
  const info = lookupModel(id, 'image')?.info;
  if (!info) throw new UsageError(`unknown model "${id}": no provider serves it (${ROUTING_HINT})`);
  if (info.media !== 'image') throw new UsageError(`"${id}" makes videos: generate and edit make images`);
  const served = withImages(info, hasImage ? 1 : 0);
  if (!hasImage || takesImages(served)) return served;
  if (info.provider === 'fal') return { ...served, imageField: 'image_url' };
  throw new UsageError(`"${id}" takes no input image: use an image-to-image or edit model`);
}

/** Providers other than fal are handed local files, not URLs. */
function localOnly(model: ModelInfo, url: string | undefined): void {
  if (url !== undefined) throw new UsageError(`${model.provider} models take local images: use --file (and a local --mask), not a URL`);
}

function routed(ctx: OneOffContext): RoutedContext {
  return { env: ctx.env, root: ctx.root, cwd: ctx.cwd ?? process.cwd(), signal: ctx.signal ?? new AbortController().signal, onProgress: ctx.onProgress };
}

/** Checked after the arguments: a usage error, and nothing is sent. */
function runtime(ctx: OneOffContext): FalRuntime {
  if (!falKeyPresent(ctx.env)) throw new UsageError(`${MISSING_KEY_MESSAGE} (nothing was sent)`);
  return createFalRuntime({ env: ctx.env, root: ctx.root, pollIntervalMs: ctx.pollIntervalMs, fetch: ctx.fetch });
}

async function runOnce(
  model: ModelInfo,
  ctx: OneOffContext,
  output: string | undefined,
  build: (rt: FalRuntime) => Promise<Record<string, unknown>>,
): Promise<OneOffResult> {
  const rt = runtime(ctx);
  const signal = ctx.signal ?? new AbortController().signal;
  try {
    const { data } = await runQueued(rt.setup.fal, model.id, await build(rt), {
      signal, onProgress: (p) => ctx.onProgress?.(p), pollIntervalMs: rt.pollIntervalMs,
    });
    assertNotBlocked(data);
    const refs = outputRefs(data);
    const images: OneOffImage[] = [];
    for (const [i, ref] of refs.entries()) {
      const needBytes = output !== undefined || ref.width === undefined || ref.height === undefined;
      if (!needBytes) {
        images.push({ url: ref.url, width: ref.width, height: ref.height });
        continue;
      }
      const bytes = await tolerateTransient(() => downloadBytes(ref.url, rt.setup.fetch, signal), signal);
      const meta = await sharp(bytes).metadata().catch(() => undefined);
      images.push({ url: ref.url, width: ref.width ?? meta?.width, height: ref.height ?? meta?.height });
      if (/^https?:/.test(ref.url)) await rememberUrls(ctx.root, { [sha256Bytes(bytes)]: ref.url });
      if (output !== undefined) await save(numbered(output, i, refs.length), bytes);
    }
    return { images };
  } catch (err) {
    throw err instanceof UsageError ? err : toProviderError(err, rt.setup.secrets);
  }
}

async function imageUrl(rt: FalRuntime, url: string | undefined, file: string | undefined): Promise<string | undefined> {
  if (url !== undefined) return url;
  return file === undefined ? undefined : uploadFile(rt, file);
}

/** A local file argument exists and is readable, before any key or network is involved. */
async function checkReadable(file: string | undefined): Promise<void> {
  if (file === undefined) return;
  await access(file, constants.R_OK).catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${file}: ${err.code ?? err.message}`);
  });
}

async function uploadFile(rt: FalRuntime, file: string): Promise<string> {
  return rt.urlOf(await localImage(file));
}
