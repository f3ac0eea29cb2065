// Google provider: Gemini image models (generateContent) and Veo (generateVideos) via @google/genai 2.x.
import type { Env } from '../../base/env.js';
import { googleSettings } from './settings.js';
import { createGoogleClient, type GoogleClient } from './client.js';
import { retryAfterTap, toProviderError } from './errors.js';
import { generateGeminiImage } from './image.js';
import { generateVeoVideo } from './video.js';
import type { Provider } from '../types.js';

export interface GoogleProviderOptions {
  env: Env;
  /** Veo operation poll interval (default: AIVP_GOOGLE_POLL_MS from the environment, else 10 s). */
  pollIntervalMs?: number;
}

const DEFAULT_POLL_MS = 10_000;

/** Gateways and tests (fake servers) shorten the Veo poll interval through the environment. */
function pollInterval(opts: GoogleProviderOptions): number {
  const fromEnv = Number(opts.env.AIVP_GOOGLE_POLL_MS);
  return opts.pollIntervalMs ?? (opts.env.AIVP_GOOGLE_POLL_MS && fromEnv > 0 ? fromEnv : DEFAULT_POLL_MS);
}

export function createGoogleProvider(opts: GoogleProviderOptions): Provider {
  const { vertex } = googleSettings(opts.env);
  let client: Promise<GoogleClient> | undefined;
  return {
    id: 'google',
    async generate(req, ctx) {
      const tap = retryAfterTap(ctx.signal);
      let c: GoogleClient | undefined;
      const toError = (err: unknown) => toProviderError(err, { secrets: c?.secrets() ?? [], vertex, retryAfterMs: tap.retryAfterMs() });
      try {
        // Loading credentials can fail for a reason that passes (a metadata server): not kept.
        c = await (client ??= createGoogleClient(opts.env).catch((err: unknown) => {
          client = undefined;
          throw err;
        }));
        const call = { ai: c.ai, httpOptions: { fetch: tap.fetch } };
        return req.model.media === 'video'
          ? await generateVeoVideo(call, req, ctx, { pollIntervalMs: pollInterval(opts), vertex, storage: c.storage, toError })
          : await generateGeminiImage(call, req, ctx);
      } catch (err) {
        if (ctx.signal.aborted) throw ctx.signal.reason ?? err;
        throw toError(err);
      }
    },
  };
}
