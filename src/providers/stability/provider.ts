// Stability AI provider: Stable Image v2beta (ultra, core, sd3*) over fetch + FormData, since no
// SDK is kept well enough (PROVIDERS.md). One synchronous call per image: nothing to re-attach to.
import { randomInt } from 'node:crypto';
import type { Env } from '../../base/env.js';
import { requireKey } from '../keyed.js';
import { STABILITY_VARS } from './vars.js';
import { parseAnswer, type StabilityImage } from './answer.js';
import { httpError, toProviderError } from './errors.js';
import { checkRequest, endpointOf, imagePart, MAX_SEED, stabilityForm, type FormOptions } from './request.js';
import type { GenerateContext, GenerateRequest, GenerateResult, Provider } from '../types.js';

export interface StabilityProviderOptions {
  env: Env;
}

export function createStabilityProvider(opts: StabilityProviderOptions): Provider {
  return {
    id: 'stability',
    async generate(req, ctx) {
      const { apiKey, baseUrl } = requireKey(opts.env, STABILITY_VARS);
      const secrets = [apiKey];
      try {
        return await generate(`${baseUrl.replace(/\/+$/, '')}/v2beta/stable-image/generate`, apiKey, req, ctx);
      } catch (err) {
        if (ctx.signal.aborted) throw ctx.signal.reason ?? err;
        throw toProviderError(err, secrets);
      }
    },
  };
}

async function generate(base: string, apiKey: string, req: GenerateRequest, ctx: GenerateContext): Promise<GenerateResult> {
  const endpoint = endpointOf(req.model.id);
  checkRequest(req);
  // Ultra and the sd3 models take an input image (with a strength); Core takes none.
  const image = req.input && endpoint !== 'core' ? await imagePart(req.input) : undefined;
  // Chosen here when the project gave none, so the record holds a seed that reproduces the image.
  const seed = req.seed ?? randomInt(0, MAX_SEED + 1);
  const files: GenerateResult['files'] = [];
  let reported: number | undefined;
  // One image per call, so num_images means that many calls, each with the next seed.
  for (let i = 0; i < req.numImages; i++) {
    ctx.onProgress({ state: i === 0 ? 'submitting' : 'running', log: req.numImages > 1 ? `image ${i + 1}/${req.numImages}` : undefined });
    const answer = await call(`${base}/${endpoint}`, apiKey, req, { endpoint, image, seed: (seed + i) % (MAX_SEED + 1) }, ctx.signal);
    files.push({ bytes: answer.bytes });
    if (i === 0) reported = answer.seed;
  }
  return { files, seed: reported ?? seed };
}

async function call(url: string, apiKey: string, req: GenerateRequest, form: FormOptions, signal: AbortSignal): Promise<StabilityImage> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, accept: 'application/json' },
    body: stabilityForm(req, form),
    signal,
  });
  if (!res.ok) throw await httpError(res, [apiKey]);
  return parseAnswer(`stability:${req.model.id}`, await res.text(), [apiKey]);
}
