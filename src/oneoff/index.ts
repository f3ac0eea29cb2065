// The one-off commands of the seed scripts (`aivp generate`, `edit`, `upload`): one call, JSON out,
// optional local copies. The arguments are checked here, before any key or network is involved;
// the call goes to the provider the model id routes to, exactly as a build routes it (routed.ts).
import type { Env } from '../base/env.js';
import { UsageError } from '../base/errors.js';
import { suggestModel } from '../project/models-check.js';
import { closest } from '../project/suggest.js';
import { lookupModel, routeModel, ROUTING_HINT, takesImages, withImages } from '../providers/models.js';
import { descriptor } from '../providers/registry.js';
import { resolveSize } from '../providers/size.js';
import type { ModelInfo, Progress } from '../providers/types.js';
import { localImage, numbered } from './files.js';
import { refuseWithoutKey, runRouted, type OneOffResult, type RoutedContext } from './routed.js';

export { numbered };
export type { OneOffImage, OneOffResult } from './routed.js';

export interface OneOffContext {
  env: Env;
  /** The project folder, whose `.aivp/uploads.json` caches fal uploads; undefined outside a project (nothing is written for the cache). */
  root: string | undefined;
  /** A doubt that does not stop the call (a model id aivp does not know). */
  onWarning?(message: string): void;
  signal?: AbortSignal;
  onProgress?(p: Progress): void;
  /** Where images from providers that answer bytes are saved without --output (default: the current folder). */
  cwd?: string;
}

export interface GenerateOptions {
  prompt: string;
  model?: string;
  imageUrl?: string;
  /** Local input image (fal uploads it once per content). */
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

export const DEFAULT_GENERATE_MODEL = 'fal-ai/nano-banana-pro';
export const DEFAULT_EDIT_MODEL = 'fal-ai/nano-banana-pro/edit';

export async function runGenerate(o: GenerateOptions, ctx: OneOffContext): Promise<OneOffResult> {
  const size = resolveSize(o.size ?? 'landscape');
  if (!size) throw new UsageError(`bad --size "${o.size}": use square, portrait, landscape, WxH or W:H`);
  const hasImage = o.imageUrl !== undefined || o.file !== undefined;
  const model = modelFor(o.model ?? DEFAULT_GENERATE_MODEL, hasImage, ctx);
  const input = o.file === undefined ? undefined : await localImage(o.file);
  takesUrls(model, o.imageUrl);
  return runRouted(
    { model, prompt: o.prompt, size, numImages: o.numImages ?? 1, seed: o.seed, input, urls: { input: o.imageUrl }, output: o.output },
    routed(ctx),
  );
}

export async function runEdit(o: EditOptions, ctx: OneOffContext): Promise<OneOffResult> {
  if (o.imageUrl === undefined && o.file === undefined) throw new UsageError('edit needs --image-url or --file');
  const model = modelFor(o.model ?? DEFAULT_EDIT_MODEL, true, ctx);
  const maskUrl = o.mask !== undefined && /^(https?|data):/.test(o.mask) ? o.mask : undefined;
  const input = o.file === undefined ? undefined : await localImage(o.file);
  const mask = maskUrl === undefined && o.mask !== undefined ? await localImage(o.mask) : undefined;
  takesUrls(model, o.imageUrl ?? maskUrl);
  return runRouted(
    { model, prompt: o.prompt, numImages: 1, input, mask, urls: { input: o.imageUrl, mask: maskUrl }, output: o.output },
    routed(ctx),
  );
}

/** Uploads a local file to fal storage (once per content) and returns its URL. */
export async function runUpload(file: string, ctx: OneOffContext): Promise<string> {
  const image = await localImage(file);
  refuseWithoutKey(ctx.env, 'fal');
  const fal = await descriptor('fal').load(ctx.env, ctx.root);
  // fal's provider is the one that uploads.
  return fal.upload!(image);
}

/** Routed like a build; an image-taking variant (`…/edit`) when a text-to-image model is given an input image. */
function modelFor(id: string, hasImage: boolean, ctx: OneOffContext): ModelInfo {
  const found = lookupModel(id, 'image');
  if (!found) throw new UsageError(`unknown model "${id}": no provider serves it (${suggestModel(id, 'image') ?? ROUTING_HINT})`);
  if (!found.known) checkUnknownId(id, ctx);
  const info = found.info;
  if (info.media !== 'image') throw new UsageError(`"${id}" makes videos: generate and edit make images`);
  const served = withImages(info, hasImage ? 1 : 0);
  if (!hasImage || takesImages(served)) return served;
  if (info.provider === 'fal') return { ...served, imageField: 'image_url' };
  throw new UsageError(`"${id}" takes no input image: use an image-to-image or edit model`);
}

/** Only providers whose descriptor says so take images by URL; the others are handed local files. */
function takesUrls(model: ModelInfo, url: string | undefined): void {
  if (url !== undefined && !descriptor(model.provider).remoteImages) {
    throw new UsageError(`${model.provider} models take local images: use --file (and a local --mask), not a URL`);
  }
}

/**
 * An id outside aivp's model table. A project's validate warns, and so does a one-off, since a
 * provider may serve ids newer than the table (fal takes any endpoint id). But a one-off spends at
 * once: an unprefixed id absent from the provider's published list (fal's catalogue) and a typo
 * away from a known one is refused with the suggestion; `<provider>:ID` sends it as written.
 */
function checkUnknownId(id: string, ctx: OneOffContext): void {
  const { provider, name } = routeModel(id)!;
  const published = descriptor(provider).catalogue?.ids();
  const listed = published ? new Set(published) : undefined;
  if (listed?.has(name)) {
    ctx.onWarning?.(`model "${id}" is not in aivp's model table: generic input mapping and no cost estimate`);
    return;
  }
  const typo = listed && closest(name, listed);
  const near = suggestModel(id, 'image') ?? (typo ? `did you mean \`${typo}\`?` : undefined);
  if (near && id === name) {
    throw new UsageError(`unknown model "${id}": ${near} (nothing was sent; to send an id aivp does not know as written, prefix it: \`${provider}:${id}\`)`);
  }
  const where = listed ? ` nor in ${provider}'s published list` : '';
  ctx.onWarning?.(`model "${id}" is not in aivp's model table${where}: sent as written, with generic input mapping${near ? ` (${near})` : ''}`);
}

function routed(ctx: OneOffContext): RoutedContext {
  return { env: ctx.env, root: ctx.root, cwd: ctx.cwd ?? process.cwd(), signal: ctx.signal ?? new AbortController().signal, onProgress: ctx.onProgress };
}
