// One-off generate/edit on a provider other than fal: the same provider a build would use, given
// local files. Those providers answer bytes, not URLs, so every image is saved (to --output, or
// beside the current folder) and listed by its file:// URL.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Env } from '../base/env.js';
import { UsageError } from '../base/errors.js';
import { probeMedia } from '../media/probe.js';
import { createProviders, missingCredentials } from '../providers/index.js';
import type { ResolvedSize } from '../providers/size.js';
import type { ModelInfo, Progress } from '../providers/types.js';
import { localImage, numbered, save } from './files.js';

export interface RoutedRequest {
  model: ModelInfo;
  prompt: string;
  size?: ResolvedSize;
  numImages: number;
  seed?: number;
  file?: string;
  mask?: string;
  /** Where to save; several images go to `<stem>_1<ext>`, … */
  output?: string;
}

export interface RoutedContext {
  env: Env;
  root: string;
  /** Folder the default file names are relative to (the current folder). */
  cwd: string;
  signal: AbortSignal;
  onProgress?(p: Progress): void;
}

export interface SavedImage {
  url: string;
  path: string;
  width?: number;
  height?: number;
}

export async function runRouted(r: RoutedRequest, ctx: RoutedContext): Promise<{ images: SavedImage[] }> {
  const [missing] = missingCredentials(ctx.env, new Set([r.model.provider]));
  if (missing) throw new UsageError(`${missing} (nothing was sent)`);
  const input = r.file === undefined ? undefined : await localImage(r.file);
  const mask = r.mask === undefined ? undefined : await localImage(r.mask);
  const provider = createProviders(ctx.env, ctx.root)(r.model.provider);
  const result = await provider.generate(
    {
      node: 'one-off', model: r.model, prompt: r.prompt, seed: r.seed,
      size: r.size, numImages: r.numImages, input, refs: [], mask, keyframes: [], params: {},
    },
    { signal: ctx.signal, onProgress: (p) => ctx.onProgress?.(p), onSubmitted: async () => {} },
  );
  await result.pending;
  const when = stamp();
  const images: SavedImage[] = [];
  for (const [i, file] of result.files.entries()) {
    const media = await probeMedia(file.bytes);
    // A name the user gave is kept; the default one follows the bytes (a JPEG answer is `.jpg`).
    const path = numbered(r.output ?? resolve(ctx.cwd, `aivp-${when}.${media.ext}`), i, result.files.length);
    await save(path, file.bytes);
    images.push({ url: file.url ?? pathToFileURL(path).href, path, width: media.width, height: media.height });
  }
  return { images };
}

/** A default name that never overwrites an earlier run: aivp-20261201-221530.png */
function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}
