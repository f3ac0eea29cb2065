import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { googleCredentialsPresent } from '../../src/providers/google/settings.js';
import { createGoogleProvider } from '../../src/providers/google/provider.js';
import { ProviderError } from '../../src/providers/types.js';
import { startFakeGoogle, type FakeGoogle } from '../fakes/google-server.js';
import { tempDir } from '../support/project.js';
import { KEY, context, image, request } from './google-helpers.js';

let fake: FakeGoogle;
let tmp: string;

beforeEach(async () => {
  fake = await startFakeGoogle();
  tmp = await tempDir();
});
afterEach(async () => {
  await fake.close();
});

const provider = () => createGoogleProvider({ env: { GEMINI_API_KEY: KEY, GOOGLE_GEMINI_BASE_URL: fake.url } });

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

describe('Gemini images', () => {
  it('sends the prompt, input, refs and mask as inline data with aspect ratio, modalities and seed', async () => {
    const input = await image(tmp, 'input', 40, 30, '#f00');
    const refs = [await image(tmp, 'ref1', 20, 20, '#0f0'), await image(tmp, 'ref2', 10, 30, '#00f')];
    const req = request('gemini-3.1-flash-image', {
      prompt: 'a red fox', input, refs, seed: 42, size: { width: 768, height: 1024, aspectRatio: '3:4' },
    });
    const result = await provider().generate(req, context());

    expect(fake.count(':generateContent')).toBe(1);
    const sent = fake.requests[0];
    expect(sent.path).toBe('/v1beta/models/gemini-3.1-flash-image:generateContent');
    expect(sent.headers['x-goog-api-key']).toBe(KEY);
    const parts = sent.body.contents[0].parts;
    expect(parts[0]).toEqual({ text: 'a red fox' });
    const sizes = await Promise.all(
      parts.slice(1).map(async (p: { inlineData: { mimeType: string; data: string } }) => {
        expect(p.inlineData.mimeType).toBe('image/png');
        const meta = await sharp(Buffer.from(p.inlineData.data, 'base64')).metadata();
        return `${meta.width}x${meta.height}`;
      }),
    );
    expect(sizes).toEqual(['40x30', '20x20', '10x30']);
    expect(sent.body.generationConfig.responseModalities).toEqual(['IMAGE', 'TEXT']);
    expect(sent.body.generationConfig.imageConfig).toEqual({ aspectRatio: '3:4' });
    expect(sent.body.generationConfig.seed).toBe(42);

    expect(result.files).toHaveLength(1);
    const out = await sharp(result.files[0].bytes).metadata();
    expect([out.format, out.width, out.height]).toEqual(['png', 64, 48]);
    expect(result.requestId).toBe('resp-123');
    expect(result.seed).toBe(42);
  });

  it('maps the size to the nearest allowed ratio and makes one call per wanted image', async () => {
    const req = request('gemini-3-pro-image', {
      prompt: 'wide', numImages: 2, seed: 7, size: { width: 1900, height: 1000, aspectRatio: '19:10' },
    });
    const result = await provider().generate(req, context());
    expect(result.files).toHaveLength(2);
    const calls = fake.requests.filter((r) => r.path.endsWith(':generateContent'));
    expect(calls.map((c) => c.body.generationConfig.seed)).toEqual([7, 8]);
    expect(calls.map((c) => c.body.generationConfig.imageConfig.aspectRatio)).toEqual(['16:9', '16:9']);
  });

  it('converts image types Gemini does not take to PNG', async () => {
    const gif = await image(tmp, 'anim', 12, 12);
    await sharp(gif.path).gif().toFile(`${tmp}/anim.gif`);
    const req = request('gemini-3.1-flash-image', { prompt: 'p', input: { ...gif, path: `${tmp}/anim.gif`, mediaType: 'image/gif' } });
    await provider().generate(req, context());
    const inline = fake.requests[0].body.contents[0].parts[1].inlineData;
    expect(inline.mimeType).toBe('image/png');
    expect((await sharp(Buffer.from(inline.data, 'base64')).metadata()).format).toBe('png');
  });

  it('passes params through, merging imageConfig', async () => {
    const req = request('gemini-3-pro-image', {
      prompt: 'p', size: { width: 1024, height: 1024, aspectRatio: '1:1' }, params: { imageConfig: { imageSize: '2K' }, temperature: 0.5 },
    });
    await provider().generate(req, context());
    const cfg = fake.requests[0].body.generationConfig;
    expect(cfg.imageConfig).toEqual({ aspectRatio: '1:1', imageSize: '2K' });
    expect(cfg.temperature).toBe(0.5);
  });

  // The fake follows Google's published rules (test/fakes/google-rules.ts), not aivp's table.
  it('the fake refuses a shut-down model and a ratio Gemini does not offer, not retried', async () => {
    const gone = await failure(provider().generate(request('gemini-2.5-flash-image', { prompt: 'p' }), context()));
    expect([gone.retryable, gone.message]).toEqual([false, expect.stringMatching(/Google API 404 NOT_FOUND: models\/gemini-2\.5-flash-image is not found/)]);
    const ratio = await failure(provider().generate(request('gemini-3-pro-image', { prompt: 'p', params: { imageConfig: { aspectRatio: '1:4' } } }), context()));
    expect([ratio.retryable, ratio.message]).toEqual([false, expect.stringMatching(/400 INVALID_ARGUMENT: Unsupported aspect ratio: 1:4/)]);
  });

  it('reports a blocked prompt as a clear, non-retryable error', async () => {
    fake.behaviour.image = 'blocked';
    const err = await failure(provider().generate(request('gemini-3.1-flash-image', { prompt: 'x' }), context()));
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/blocked the prompt \(PROHIBITED_CONTENT\)/);
  });

  it('reports an IMAGE_SAFETY finish as a clear, non-retryable error', async () => {
    fake.behaviour.image = 'image-safety';
    const err = await failure(provider().generate(request('gemini-3.1-flash-image', { prompt: 'x' }), context()));
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/no image \(finish reason IMAGE_SAFETY\)/);
  });

  it('includes the model text when the response has no image', async () => {
    fake.behaviour.image = 'text-only';
    const err = await failure(provider().generate(request('gemini-3.1-flash-image', { prompt: 'x' }), context()));
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('I cannot draw that');
  });
});

describe('Google errors', () => {
  it('429 is retryable with the RetryInfo delay', async () => {
    fake.behaviour.fail = { status: 429, retryDelay: '7s' };
    const err = await failure(provider().generate(request('gemini-3.1-flash-image', { prompt: 'x' }), context()));
    expect(err.retryable).toBe(true);
    expect(err.status).toBe(429);
    expect(err.retryAfterMs).toBe(7000);
    expect(err.message).toContain('RESOURCE_EXHAUSTED');
  });

  it('429 honours a Retry-After header', async () => {
    fake.behaviour.fail = { status: 429, retryAfter: 3 };
    const err = await failure(provider().generate(request('gemini-3.1-flash-image', { prompt: 'x' }), context()));
    expect(err.retryAfterMs).toBe(3000);
  });

  it('5xx and network errors are retryable; 400 is not', async () => {
    fake.behaviour.fail = { status: 500 };
    const e500 = await failure(provider().generate(request('gemini-3.1-flash-image', { prompt: 'x' }), context()));
    expect([e500.retryable, e500.status]).toEqual([true, 500]);

    fake.behaviour.fail = { status: 400 };
    const e400 = await failure(provider().generate(request('gemini-3.1-flash-image', { prompt: 'x' }), context()));
    expect([e400.retryable, e400.status]).toEqual([false, 400]);
    expect(e400.message).toContain('INVALID_ARGUMENT');

    const url = fake.url;
    await fake.close();
    const down = createGoogleProvider({ env: { GEMINI_API_KEY: KEY, GOOGLE_GEMINI_BASE_URL: url } });
    const net = await failure(down.generate(request('gemini-3.1-flash-image', { prompt: 'x' }), context()));
    expect(net.retryable).toBe(true);
    fake = await startFakeGoogle();
  });

  it('401/403 say the key was rejected, and the key never appears in a message', async () => {
    fake.behaviour.fail = { status: 403, echoKey: true };
    const err = await failure(provider().generate(request('gemini-3.1-flash-image', { prompt: 'x' }), context()));
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/Google API key rejected/);
    expect(err.message).not.toContain(KEY);
    expect(err.message).toContain('***');

    fake.behaviour.fail = { status: 400, echoKey: true };
    const e400 = await failure(provider().generate(request('gemini-3.1-flash-image', { prompt: 'x' }), context()));
    expect(e400.message).not.toContain(KEY);
    expect(String(e400.stack)).not.toContain(KEY);
  });
});

describe('Google credentials', () => {
  it('accepts an API key or Vertex AI with a project', () => {
    expect(googleCredentialsPresent({})).toBe(false);
    expect(googleCredentialsPresent({ GEMINI_API_KEY: 'k' })).toBe(true);
    expect(googleCredentialsPresent({ GOOGLE_API_KEY: 'k' })).toBe(true);
    expect(googleCredentialsPresent({ GOOGLE_GENAI_USE_VERTEXAI: 'true' })).toBe(false);
    expect(googleCredentialsPresent({ GOOGLE_GENAI_USE_VERTEXAI: 'true', GCP_PROJECT_ID: 'p' })).toBe(true);
    expect(googleCredentialsPresent({ GOOGLE_GENAI_USE_VERTEXAI: 'True', GOOGLE_CLOUD_PROJECT: 'p' })).toBe(true);
  });

  it('GOOGLE_API_KEY wins over GEMINI_API_KEY', async () => {
    const p = createGoogleProvider({ env: { GEMINI_API_KEY: 'gemini-key', GOOGLE_API_KEY: KEY, GOOGLE_GEMINI_BASE_URL: fake.url } });
    await p.generate(request('gemini-3.1-flash-image', { prompt: 'x' }), context());
    expect(fake.requests[0].headers['x-goog-api-key']).toBe(KEY);
  });
});
