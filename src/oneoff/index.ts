// The one-off commands of the seed scripts (`aivp generate`, `edit`, `upload`): one fal call,
// JSON out, optional local copies. Same uploads cache and error messages as builds.
import { constants } from 'node:fs';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import sharp from 'sharp';
import type { Env } from '../env.js';
import { UsageError } from '../errors.js';
import { falKeyPresent, MISSING_KEY_MESSAGE } from '../providers/credentials.js';
import { toProviderError } from '../providers/fal-errors.js';
import { falInput } from '../providers/fal-input.js';
import { assertNotBlocked, downloadBytes, outputRefs } from '../providers/fal-output.js';
import { runQueued, tolerateTransient } from '../providers/fal-queue.js';
import { rememberUrls } from '../providers/fal-uploads.js';
import { sha256Bytes } from '../media/hash.js';
import { createFalRuntime, type FalRuntime } from '../providers/fal.js';
import { lookupModel, takesImages, withImages } from '../providers/models.js';
import { resolveSize } from '../providers/size.js';
import type { ModelInfo, Progress } from '../providers/types.js';
import { mediaTypeOf } from '../media/media-types.js';

export interface OneOffContext {
  env: Env;
  /** Folder whose `.aivp/uploads.json` caches uploads (the project root, or the current folder). */
  root: string;
  signal?: AbortSignal;
  onProgress?(p: Progress): void;
  pollIntervalMs?: number;
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

/** An image-taking variant (`…/edit`) when a text-to-image model is given an input image. */
function modelFor(id: string, hasImage: boolean): ModelInfo {
  const info = lookupModel(id, 'image')?.info;
  if (!info) throw new UsageError(`unknown model "${id}": fal model ids look like owner/app (e.g. ${DEFAULT_GENERATE_MODEL})`);
  if (info.provider !== 'fal') throw new UsageError(`"${id}" is not a fal model: the one-off commands call fal.ai`);
  const served = withImages(info, hasImage ? 1 : 0);
  return !hasImage || takesImages(served) ? served : { ...served, imageField: 'image_url' };
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
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return rt.urlOf({ path: file, sha256: sha256Bytes(bytes), mediaType: mediaTypeOf(file) });
}

/** out.png -> out.png for one image; out_1.png, out_2.png, … for several. */
export function numbered(output: string, index: number, count: number): string {
  if (count <= 1) return output;
  const ext = extname(output);
  return join(dirname(output), `${basename(output, ext)}_${index + 1}${ext}`);
}

async function save(path: string, bytes: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes);
}
