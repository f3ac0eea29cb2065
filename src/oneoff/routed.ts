// One-off generate/edit on the provider the model id routes to, called exactly as a build calls
// it. An image the provider keeps at a web address (fal) is listed by that address and saved only
// to --output (and then listed with that path too); an image answered as bytes alone is always
// saved (to --output, or in the current folder) and listed by its path and file:// URL.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Env } from '../base/env.js';
import { UsageError } from '../base/errors.js';
import { probeMedia } from '../media/probe.js';
import { createProviders, missingCredentials } from '../providers/index.js';
import type { ResolvedSize } from '../providers/size.js';
import type { GenerateRequest, InputImage, ModelInfo, Progress, ProviderId } from '../providers/types.js';
import { numbered, save } from './files.js';
import { inFormatOf } from '../media/convert.js';

export interface RoutedRequest {
  model: ModelInfo;
  prompt: string;
  size?: ResolvedSize;
  numImages: number;
  seed?: number;
  /** Local images, checked (localImage) before the key. */
  input?: InputImage;
  mask?: InputImage;
  /** Images given by web address, for providers that take them (`remoteImages`). */
  urls?: GenerateRequest['urls'];
  /** Where to save; several images go to `<stem>_1<ext>`, … */
  output?: string;
}

export interface RoutedContext {
  env: Env;
  /** The project folder, whose `.aivp/uploads.json` remembers fal uploads; undefined outside a project. */
  root: string | undefined;
  /** Folder the default file names are relative to (the current folder). */
  cwd: string;
  signal: AbortSignal;
  onProgress?(p: Progress): void;
}

export interface OneOffImage {
  url: string;
  /** Where the image was saved: to --output, or (providers that answer bytes) always. */
  path?: string;
  width?: number;
  height?: number;
}

export interface OneOffResult {
  images: OneOffImage[];
}

/** Checked after the arguments: a usage error, and nothing is sent. */
export function refuseWithoutKey(env: Env, id: ProviderId): void {
  const [missing] = missingCredentials(env, new Set([id]));
  if (missing) throw new UsageError(`${missing} (nothing was sent)`);
}

export async function runRouted(r: RoutedRequest, ctx: RoutedContext): Promise<OneOffResult> {
  refuseWithoutKey(ctx.env, r.model.provider);
  const provider = createProviders(ctx.env, ctx.root)(r.model.provider);
  const result = await provider.generate(
    {
      node: 'one-off', model: r.model, prompt: r.prompt, seed: r.seed,
      size: r.size, numImages: r.numImages, input: r.input, refs: [], mask: r.mask, urls: r.urls, keyframes: [], params: {},
    },
    { signal: ctx.signal, onProgress: (p) => ctx.onProgress?.(p), onSubmitted: async () => {} },
  );
  await result.pending;
  const when = stamp();
  const images: OneOffImage[] = [];
  for (const [i, file] of result.files.entries()) {
    const media = await probeMedia(file.bytes);
    const { ext, width, height } = media;
    if (file.url !== undefined && r.output === undefined) {
      images.push({ url: file.url, width, height });
      continue;
    }
    // A name the user gave is kept; the default one follows the bytes (a JPEG answer is `.jpg`).
    const path = numbered(r.output ?? resolve(ctx.cwd, `aivp-${when}.${ext}`), i, result.files.length);
    // `-o out.jpg` gets JPEG bytes whatever the model answered.
    await save(path, (await inFormatOf(path, file.bytes, media)) ?? file.bytes);
    images.push({ url: file.url ?? pathToFileURL(path).href, path, width, height });
  }
  return { images };
}

/** A default name that never overwrites an earlier run: aivp-20261201-221530.png */
function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}
