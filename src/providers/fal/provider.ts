// The fal.ai provider: uploads local inputs once, runs the model on fal's queue, downloads outputs.
import { randomInt } from 'node:crypto';
import type { Env } from '../../base/env.js';
import { createFalSetup } from './client.js';
import { requireFalKey } from './credentials.js';
import { toProviderError } from './errors.js';
import { falInput, type ImageUrls } from './input.js';
import { assertNotBlocked, downloadBytes, outputRefs, outputSeed } from './output.js';
import { cancelQuietly, DEFAULT_POLL_MS, runQueued, tolerateTransient } from './queue.js';
import { createUploader, FAL_OBJECT_LIFETIME, rememberUrls, type LocalImage } from './uploads.js';
import { sha256Bytes } from '../../media/hash.js';
import type { GenerateContext, GenerateRequest, GenerateResult, Provider } from '../types.js';

export interface FalProviderOptions {
  env: Env;
  /** Project root, for `.aivp/uploads.json`; undefined outside a project (URLs kept for this process only). */
  root: string | undefined;
  pollIntervalMs?: number;
}

export function createFalProvider(opts: FalProviderOptions): Provider {
  const setup = createFalSetup(opts.env);
  const { fal, secrets } = setup;
  const pollIntervalMs = opts.pollIntervalMs ?? DEFAULT_POLL_MS;
  // The fal URL of a local image: cached by content hash, uploaded when missing or stale.
  const urlOf = createUploader(opts.root, (file) => fal.storage.upload(file, { lifecycle: { expiresIn: FAL_OBJECT_LIFETIME } }));

  return {
    id: 'fal',
    async generate(req: GenerateRequest, ctx: GenerateContext): Promise<GenerateResult> {
      requireFalKey(opts.env);
      try {
        // Models that report no seed back (nano-banana) get one chosen here, so the record holds it.
        // A resumed request was sent with an earlier choice, unknown now.
        const chosen = req.seed ?? (req.model.seed ? randomInt(2 ** 31 - 1) : undefined);
        const input = falInput({ ...req, seed: chosen }, await resolveImages(req, urlOf));
        const { data, requestId } = await runQueued(fal, req.model.id, input, {
          signal: ctx.signal,
          onProgress: (p) => ctx.onProgress(p),
          onSubmitted: (id) => ctx.onSubmitted(id),
          resume: ctx.resume,
          pollIntervalMs,
        });
        assertNotBlocked(data);
        ctx.onProgress({ state: 'downloading' });
        const files = await Promise.all(outputRefs(data).map(async ({ url }) => ({
          bytes: await tolerateTransient(() => downloadBytes(url, setup.fetch, ctx.signal), ctx.signal),
          url: /^https?:/.test(url) ? url : undefined,
        })));
        const remote = files.flatMap((f) => (f.url ? [[sha256Bytes(f.bytes), f.url] as const] : []));
        // Later nodes that take these outputs as inputs pass the URL instead of uploading again.
        // A failed write of the list costs only a later re-upload.
        const pending = remote.length > 0 ? rememberUrls(opts.root, Object.fromEntries(remote)).catch(() => undefined) : undefined;
        return { files, seed: outputSeed(data) ?? (ctx.resume === undefined ? chosen : req.seed), requestId, pending };
      } catch (err) {
        throw toProviderError(err, secrets);
      }
    },
    async cancel(model, requestId) {
      requireFalKey(opts.env);
      try {
        await cancelQuietly(fal, model.id, requestId);
      } catch (err) {
        throw toProviderError(err, secrets);
      }
    },
    async upload(img) {
      requireFalKey(opts.env);
      try {
        return await urlOf(img);
      } catch (err) {
        throw toProviderError(err, secrets);
      }
    },
  };
}

async function resolveImages(req: GenerateRequest, urlOf: (img: LocalImage) => Promise<string>): Promise<ImageUrls> {
  const one = (img: LocalImage | undefined) => (img ? urlOf(img) : Promise.resolve(undefined));
  const [input, mask, refs, keyframes] = await Promise.all([
    req.urls?.input ?? one(req.input),
    req.urls?.mask ?? one(req.mask),
    Promise.all(req.refs.map(urlOf)),
    Promise.all(req.keyframes.map(urlOf)),
  ]);
  return { input, mask, refs, keyframes };
}
