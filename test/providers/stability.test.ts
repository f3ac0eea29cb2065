// The Stability provider through real fetch + FormData against the fake Stable Image v2beta: the
// multipart fields and parts it sends, and every fault mapped to the right ProviderError.
import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveSize } from '../../src/providers/size.js';
import { createStabilityProvider } from '../../src/providers/stability/provider.js';
import { ProviderError } from '../../src/providers/types.js';
import { SERVER_SEED, startFakeStability, type FakeStability } from '../fakes/stability-server.js';
import { tempDir } from '../support/project.js';
import { until } from '../support/wait.js';
import { context, image, request } from './google-helpers.js';

let fake: FakeStability;
let tmp: string;

beforeEach(async () => {
  fake = await startFakeStability();
  tmp = await tempDir();
});
afterEach(async () => {
  await fake.close();
});

const provider = (env: Record<string, string> = {}) =>
  createStabilityProvider({ env: { STABILITY_API_KEY: fake.key, STABILITY_BASE_URL: fake.url, ...env } });

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ProviderError);
  expect((err as Error).message).not.toContain(fake.key);
  return err as ProviderError;
}

const size = (s: string) => resolveSize(s)!;

describe('Stability requests', () => {
  it('posts the prompt verbatim with aspect ratio, seed and PNG output to the core endpoint, with the key as a bearer token', async () => {
    const prompt = 'She says "go"\nthen leaves — 夜の街 🌃 50% «quoted» & <tags>';
    const result = await provider().generate(request('stability:core', { prompt, seed: 42, size: size('square') }), context());

    expect(fake.requests).toHaveLength(1);
    const sent = fake.requests[0];
    expect(sent.path).toBe('/v2beta/stable-image/generate/core');
    expect(sent.headers.authorization).toBe(`Bearer ${fake.key}`);
    expect(sent.headers.accept).toBe('application/json');
    expect(sent.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    // Byte for byte, but for line breaks: multipart/form-data sends them as CRLF (fetch's FormData, like every browser).
    expect(sent.fields).toEqual({ prompt: prompt.replace(/\n/g, '\r\n'), aspect_ratio: '1:1', seed: '42', output_format: 'png' });
    expect(sent.files).toEqual({});

    expect(result.files).toHaveLength(1);
    const out = await sharp(result.files[0].bytes).metadata();
    expect([out.format, out.width, out.height]).toEqual(['png', 64, 64]);
    expect(result.seed).toBe(42);
  });

  it('maps square, portrait, landscape and 16:9 to the nearest aspect ratio Stability takes', async () => {
    const p = provider();
    for (const s of ['square', 'portrait', 'landscape', '16:9', '1000x2400']) {
      await p.generate(request('stability:ultra', { prompt: 'p', size: size(s) }), context());
    }
    expect(fake.requests.map((r) => r.fields.aspect_ratio)).toEqual(['1:1', '4:5', '5:4', '16:9', '9:21']);
  });

  it('sends no aspect_ratio when the node has no size', async () => {
    await provider().generate(request('stability:core', { prompt: 'p' }), context());
    expect(fake.requests[0].fields.aspect_ratio).toBeUndefined();
  });

  it('routes ultra and core to their endpoints and every sd3 model to sd3 with a model field', async () => {
    const p = provider();
    const ids = ['ultra', 'core', 'sd3.5-large', 'sd3.5-large-turbo', 'sd3.5-medium'];
    for (const id of ids) await p.generate(request(`stability:${id}`, { prompt: 'p', seed: 1 }), context());
    expect(fake.requests.map((r) => [r.endpoint, r.fields.model])).toEqual([
      ['ultra', undefined], ['core', undefined], ['sd3', 'sd3.5-large'], ['sd3', 'sd3.5-large-turbo'], ['sd3', 'sd3.5-medium'],
    ]);
  });

  it('chooses a seed when the project gave none, sends it and returns it', async () => {
    const result = await provider().generate(request('stability:core', { prompt: 'p' }), context());
    const sent = Number(fake.requests[0].fields.seed);
    expect(Number.isInteger(sent) && sent >= 0 && sent <= 4294967294).toBe(true);
    expect(result.seed).toBe(sent);
  });

  it('returns the seed the server reports over the one it was sent (seed 0: the server chooses)', async () => {
    const result = await provider().generate(request('stability:core', { prompt: 'p', seed: 0 }), context());
    expect(fake.requests[0].fields.seed).toBe('0');
    expect(result.seed).toBe(SERVER_SEED);
  });

  it('makes one call per wanted image with consecutive seeds', async () => {
    const ctx = context();
    const result = await provider().generate(request('stability:sd3.5-medium', { prompt: 'p', seed: 7, numImages: 3 }), ctx);
    expect(result.files).toHaveLength(3);
    expect(fake.requests.map((r) => r.fields.seed)).toEqual(['7', '8', '9']);
    expect(result.seed).toBe(7);
    expect(ctx.progress.map((p) => p.log)).toEqual(['image 1/3', 'image 2/3', 'image 3/3']);
  });

  it('passes params through as form fields, numbers and booleans as text, overriding the defaults', async () => {
    const params = { negative_prompt: 'blurry, "text"', style_preset: 'cinematic', cfg_scale: 7.5, output_format: 'webp', flag: true };
    await provider().generate(request('stability:core', { prompt: 'p', seed: 3, params }), context());
    expect(fake.requests[0].fields).toMatchObject({ negative_prompt: 'blurry, "text"', style_preset: 'cinematic', cfg_scale: '7.5', output_format: 'webp', flag: 'true' });
  });
});

describe('Stability image to image', () => {
  it('sends the input as the image part with mode, the default strength and no aspect ratio', async () => {
    const input = await image(tmp, 'input', 80, 48, '#f00');
    const req = request('stability:sd3.5-large', { prompt: 'repaint', input, seed: 5, size: size('square') });
    const result = await provider().generate(req, context());

    const sent = fake.requests[0];
    expect(sent.endpoint).toBe('sd3');
    expect(sent.fields).toEqual({ prompt: 'repaint', model: 'sd3.5-large', mode: 'image-to-image', strength: '0.6', seed: '5', output_format: 'png' });
    expect(sent.files.image.type).toBe('image/png');
    expect(sent.files.image.filename).toBe('input.png');
    const meta = await sharp(sent.files.image.bytes).metadata();
    expect([meta.width, meta.height]).toEqual([80, 48]);
    const out = await sharp(result.files[0].bytes).metadata();
    expect([out.width, out.height]).toEqual([80, 48]);
  });

  it('takes strength from params', async () => {
    const input = await image(tmp, 'input', 64, 64);
    await provider().generate(request('stability:sd3.5-large-turbo', { prompt: 'p', input, params: { strength: 0.35 } }), context());
    expect(fake.requests[0].fields.strength).toBe('0.35');
  });

  it('converts an input type Stability does not take (GIF) to PNG', async () => {
    const png = await image(tmp, 'anim', 16, 16);
    const gif = `${tmp}/anim.gif`;
    await writeFile(gif, await sharp(png.path).gif().toBuffer());
    await provider().generate(request('stability:sd3.5-medium', { prompt: 'p', input: { ...png, path: gif, mediaType: 'image/gif' } }), context());
    const part = fake.requests[0].files.image;
    expect(part.type).toBe('image/png');
    expect((await sharp(part.bytes).metadata()).format).toBe('png');
  });

  it('sends Ultra the input with a strength and no mode (Ultra has none), as the v2beta reference says', async () => {
    const input = await image(tmp, 'input', 64, 40, '#00f');
    const result = await provider().generate(request('stability:ultra', { prompt: 'repaint', input, seed: 3, size: size('square') }), context());
    const sent = fake.requests[0];
    expect(sent.endpoint).toBe('ultra');
    expect(sent.fields).toEqual({ prompt: 'repaint', strength: '0.6', seed: '3', output_format: 'png' });
    expect(sent.files.image.type).toBe('image/png');
    const out = await sharp(result.files[0].bytes).metadata();
    expect([out.width, out.height]).toEqual([64, 40]);
  });

  it('sends no image to core (text to image only)', async () => {
    const input = await image(tmp, 'input', 32, 32);
    await provider().generate(request('stability:core', { prompt: 'p', input }), context());
    expect(fake.requests[0].files).toEqual({});
    expect(fake.requests[0].fields.mode).toBeUndefined();
  });
});

describe('Stability checks before sending', () => {
  it('rejects a prompt over 10,000 characters without calling, and takes one of exactly 10,000', async () => {
    const err = await failure(provider().generate(request('stability:core', { prompt: 'x'.repeat(10_001) }), context()));
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/10001 characters; Stability takes at most 10000/);
    expect(fake.requests).toHaveLength(0);
    await provider().generate(request('stability:core', { prompt: 'x'.repeat(10_000) }), context());
    expect(fake.requests[0].fields.prompt).toHaveLength(10_000);
  });

  it('rejects a missing prompt, a seed out of range, object params and an unknown model', async () => {
    const cases: Array<[ReturnType<typeof request>, RegExp]> = [
      [request('stability:core', {}), /stability:core needs a prompt/],
      [request('stability:core', { prompt: 'p', seed: 2 ** 32 }), /seed 4294967296 is outside 0\.\.4294967294/],
      [request('stability:core', { prompt: 'p', params: { style: { a: 1 } } }), /params\.style must be text, a number or a boolean/],
      [request('stability:sdxl-1.0', { prompt: 'p' }), /unknown Stability model `stability:sdxl-1\.0`/],
    ];
    for (const [req, message] of cases) {
      const err = await failure(provider().generate(req, context()));
      expect(err.retryable).toBe(false);
      expect(err.message).toMatch(message);
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('names STABILITY_API_KEY when it is missing', async () => {
    const p = createStabilityProvider({ env: { STABILITY_BASE_URL: fake.url } });
    const err = await failure(p.generate(request('stability:core', { prompt: 'p' }), context()));
    expect(err.message).toMatch(/Stability models need STABILITY_API_KEY/);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('Stability faults', () => {
  const run = () => provider().generate(request('stability:core', { prompt: 'p', seed: 1 }), context());

  it('429 is retryable with Retry-After', async () => {
    fake.fail({ status: 429, retryAfter: '3', errors: ['You have exceeded the rate limit of 150 requests within a 10 second period'] });
    const err = await failure(run());
    expect([err.retryable, err.status, err.retryAfterMs]).toEqual([true, 429, 3000]);
    expect(err.message).toBe('Stability answered HTTP 429 (rate_limit_exceeded): You have exceeded the rate limit of 150 requests within a 10 second period');
  });

  it('500 and 503 are retryable, without a delay unless the server gives one', async () => {
    fake.fail({ status: 500 });
    const e500 = await failure(run());
    expect([e500.retryable, e500.status, e500.retryAfterMs]).toEqual([true, 500, undefined]);
    fake.fail({ status: 503, retryAfter: '0.5' });
    const e503 = await failure(run());
    expect([e503.retryable, e503.retryAfterMs]).toEqual([true, 500]);
  });

  it('400, 413 and 422 are not retryable and show the errors list', async () => {
    for (const status of [400, 413, 422]) {
      fake.fail({ status, errors: ['negative_prompt: too long', 'strength: must be between 0 and 1'] });
      const err = await failure(run());
      expect([err.retryable, err.status]).toEqual([false, status]);
      expect(err.message).toContain(`HTTP ${status}`);
      expect(err.message).toContain('negative_prompt: too long; strength: must be between 0 and 1');
    }
  });

  it('a rejected key is a clear, non-retryable error', async () => {
    const p = provider({ STABILITY_API_KEY: 'sk-wrongwrongwrongwrongwrong' });
    const err = await failure(p.generate(request('stability:core', { prompt: 'p' }), context()));
    expect([err.retryable, err.status]).toEqual([false, 401]);
    expect(err.message).toMatch(/^STABILITY_API_KEY rejected \(Stability answered HTTP 401 \(unauthorized\): authorization: invalid or missing API key\)/);
  });

  it('a server echoing the key never gets it into the message', async () => {
    fake.fail({ status: 500, echoKey: true });
    const err = await failure(run());
    expect(err.message).toContain('could not authorize "Bearer ***"');
  });

  it('CONTENT_FILTERED is a clear, non-retryable error', async () => {
    fake.fail({ answer: 'filtered' });
    const err = await failure(run());
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/stability:core: Stability's content filter blocked the result \(finish_reason CONTENT_FILTERED\)/);
  });

  it('malformed JSON and non-image bytes are retryable; an answer without an image is not', async () => {
    fake.fail({ answer: 'malformed' });
    const malformed = await failure(run());
    expect([malformed.retryable, malformed.message]).toEqual([true, expect.stringMatching(/malformed response \(not JSON\)/)]);
    fake.fail({ answer: 'not-image' });
    const notImage = await failure(run());
    expect([notImage.retryable, notImage.message]).toEqual([true, expect.stringMatching(/image field is not an image \(17 bytes decoded\)/)]);
    fake.fail({ answer: 'no-image' });
    const none = await failure(run());
    expect([none.retryable, none.message]).toEqual([false, "stability:core: Stability's answer has no image"]);
  });

  it('an unreachable server is retryable', async () => {
    await fake.close();
    const err = await failure(run());
    expect(err.retryable).toBe(true);
    expect(err.message).toBe('Stability API unreachable (ECONNREFUSED)');
  });

  it('an abort mid-request passes through as the abort, not a ProviderError', async () => {
    fake.fail({ hang: true });
    const ctx = context();
    const pending = provider().generate(request('stability:core', { prompt: 'p' }), ctx).catch((e: unknown) => e);
    await until(() => fake.requests.length === 1, 'the request', 5000);
    ctx.controller.abort();
    const err = await pending;
    expect(err).not.toBeInstanceOf(ProviderError);
    expect((err as Error).name).toBe('AbortError');
  });
});
