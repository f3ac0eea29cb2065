// OpenAI image models (gpt-image-*, dall-e-*) and ImageRouter's OpenAI-compatible API, through the
// `openai` SDK 6.x: images.generate for text to image, images.edit for nodes with images.
import type { Env } from '../../base/env.js';
import { OPENAI_VARS } from './vars.js';
import { createOpenAIClient, type OpenAIClient, type OpenAIFlavour } from './client.js';
import { toProviderError } from './errors.js';
import { outputFiles } from './output.js';
import { imageCall } from './request.js';
import type { Provider } from '../types.js';

export interface OpenAIProviderOptions {
  env: Env;
  provider: OpenAIFlavour;
}

export function createOpenAIProvider(opts: OpenAIProviderOptions): Provider {
  let made: OpenAIClient | undefined;
  return {
    id: opts.provider,
    async generate(req, ctx) {
      // Made on first use, so a missing key is this node's clear error (requireKey), not a crash at load.
      const { client, label, secrets } = (made ??= createOpenAIClient(opts.env, opts.provider));
      const model = req.model.id;
      try {
        const call = await imageCall(req);
        ctx.onProgress({ state: 'submitting' });
        // The call is synchronous (no queue, nothing to resume): the answer carries the images.
        const options = { signal: ctx.signal };
        const { data, request_id } = call.kind === 'generate'
          ? await client.images.generate(call.body, options).withResponse()
          : await client.images.edit(call.body, options).withResponse();
        const files = await outputFiles(data, {
          label, model, secrets, signal: ctx.signal, onDownload: () => ctx.onProgress({ state: 'downloading' }),
        });
        // OpenAI takes no seed, so none is recorded.
        return { files, requestId: request_id ?? undefined };
      } catch (err) {
        if (ctx.signal.aborted) throw ctx.signal.reason ?? err;
        throw toProviderError(err, { label, keyVar: OPENAI_VARS[opts.provider].key, model, secrets });
      }
    },
  };
}
