// The openai / imagerouter provider through the real `openai` 6.x client against the fake images API.
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { missingKeyMessage } from '../../src/providers/keyed.js';
import { OPENAI_VARS } from '../../src/providers/openai/vars.js';
import { createOpenAIProvider } from '../../src/providers/openai/provider.js';
import { sizeOf } from '../../src/providers/openai/request.js';
import { ProviderError } from '../../src/providers/types.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai-server.js';
import { makeImage } from '../support/images.js';
import { tempDir } from '../support/project.js';
import { until } from '../support/wait.js';
import { context, image, request } from './google-helpers.js';

// Not `sk-` shaped, so only the provider's own secret list can hide them.
const OPENAI_KEY = `openai-test-key-${randomUUID()}`;
const IR_KEY = `imagerouter-test-key-${randomUUID()}`;

let fake: FakeOpenAI;
let tmp: string;

beforeEach(async () => {
  fake = await startFakeOpenAI();
  tmp = await tempDir();
});
afterEach(async () => {
  await fake.close();
});

const openai = () => createOpenAIProvider({ env: { OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: fake.openaiUrl }, provider: 'openai' });
const imagerouter = () => createOpenAIProvider({ env: { IMAGEROUTER_API_KEY: IR_KEY, IMAGEROUTER_BASE_URL: fake.imagerouterUrl }, provider: 'imagerouter' });

const LANDSCAPE = { width: 1024, height: 768, aspectRatio: '4:3', name: 'landscape' as const };
const PROMPT = 'A sign reading "OPEN\'S" \u2014 then\na second line';

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ProviderError);
  const e = err as ProviderError;
  expect(e.message).not.toContain(OPENAI_KEY);
  expect(e.message).not.toContain(IR_KEY);
  return e;
}

async function format(bytes: Buffer): Promise<string> {
  const m = await sharp(bytes).metadata();
  return `${m.format} ${m.width}x${m.height}`;
}

describe('openai: text to image', () => {
  it('posts model, the prompt verbatim, n, the mapped size and params as JSON; decodes every image', async () => {
    const req = request('gpt-image-2', {
      prompt: PROMPT, numImages: 2, size: LANDSCAPE,
      params: { quality: 'high', background: 'transparent', output_format: 'png', moderation: 'low' },
    });
    const result = await openai().generate(req, context());

    expect(fake.calls()).toHaveLength(1);
    const sent = fake.calls()[0];
    expect(sent.path).toBe('/v1/images/generations');
    expect(sent.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    expect(sent.json).toEqual({
      model: 'gpt-image-2', prompt: PROMPT, n: 2, size: '1024x768',
      quality: 'high', background: 'transparent', output_format: 'png', moderation: 'low',
    });
    expect(result.files).toHaveLength(2);
    expect(await Promise.all(result.files.map((f) => format(f.bytes)))).toEqual(['png 64x48', 'png 64x48']);
    expect(result.files[0].bytes.equals(result.files[1].bytes)).toBe(false);
    expect(result.requestId).toBe('req_1');
    expect(result.seed).toBeUndefined();
    expect(fake.downloads).toEqual([]);
  });

  it('params win over the mapped size; no size on the node sends none', async () => {
    await openai().generate(request('gpt-image-2', { prompt: 'p', size: LANDSCAPE, params: { size: 'auto' } }), context());
    await openai().generate(request('gpt-image-2', { prompt: 'p' }), context());
    const [withParam, none] = fake.calls();
    expect(withParam.json.size).toBe('auto');
    expect(none.json).toEqual({ model: 'gpt-image-2', prompt: 'p', n: 1 });
  });

  it('an openai:<model> id sends the model name without the prefix', async () => {
    await openai().generate(request('openai:gpt-image-2', { prompt: 'p' }), context());
    expect(fake.calls()[0].json.model).toBe('gpt-image-2');
  });
});

describe('size mapping', () => {
  const size = (model: string, width: number, height: number) => sizeOf(request(model, { size: { width, height, aspectRatio: '' } }));

  it.each([
    ['gpt-image-2', 1344, 768, '1344x768'],
    ['gpt-image-2', 768, 1024, '768x1024'],
    ['imagerouter:test/test', 768, 1024, '768x1024'],
    ['openai:some-future-model', 640, 480, '640x480'],
  ])('%s %ix%i -> %s', (model, w, h, expected) => {
    expect(size(model, w, h)).toBe(expected);
  });
});

describe('openai: edit', () => {
  it('sends the input first, then every ref, as image[] parts and the mask as mask, with the fields', async () => {
    const input = await image(tmp, 'input', 40, 30, '#f00');
    const ref1 = await image(tmp, 'ref1', 20, 20, '#0f0');
    const jpg = `${tmp}/ref2.jpg`;
    await writeFile(jpg, await makeImage({ width: 10, height: 30, colour: '#00f', format: 'jpeg' }));
    const ref2 = { name: 'places/ref2', path: jpg, sha256: 'ref2', mediaType: 'image/jpeg' };
    const mask = await image(tmp, 'mask', 40, 30, '#000');
    const req = request('gpt-image-2', {
      prompt: PROMPT, input, refs: [ref1, ref2], mask, numImages: 1, size: { width: 768, height: 1024, aspectRatio: '3:4' },
      params: { quality: 'medium', input_fidelity: 'high' },
    });
    const result = await openai().generate(req, context());

    const sent = fake.calls()[0];
    expect(sent.path).toBe('/v1/images/edits');
    expect(sent.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    expect(sent.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    // Multipart text fields carry line breaks as CRLF: Node's FormData encoding does that to every
    // form (the HTML form rules), so this is what OpenAI receives.
    expect(sent.fields).toEqual({
      model: ['gpt-image-2'], prompt: [PROMPT.replace(/\n/g, '\r\n')], n: ['1'], size: ['768x1024'], quality: ['medium'], input_fidelity: ['high'],
    });
    expect(sent.files.map((f) => [f.name, f.filename, f.type])).toEqual([
      ['image[]', 'input.png', 'image/png'],
      ['image[]', 'ref1.png', 'image/png'],
      ['image[]', 'places_ref2.jpg', 'image/jpeg'],
      ['mask', 'mask.png', 'image/png'],
    ]);
    for (const [i, img] of [input, ref1, ref2, mask].entries()) {
      expect(sent.files[i].bytes.equals(await readFile(img.path)), img.name).toBe(true);
    }
    expect(await format(result.files[0].bytes)).toBe('png 64x48');
  });

  it('re-encodes an image type the edit endpoint does not take (GIF) as PNG', async () => {
    const png = await image(tmp, 'anim', 12, 12);
    const gif = `${tmp}/anim.gif`;
    await sharp(png.path).gif().toFile(gif);
    await openai().generate(request('gpt-image-2', { prompt: 'p', refs: [{ ...png, path: gif, mediaType: 'image/gif' }] }), context());
    const part = fake.calls()[0].files[0];
    expect([part.name, part.filename, part.type]).toEqual(['image[]', 'anim.png', 'image/png']);
    expect(await format(part.bytes)).toBe('png 12x12');
  });

  it('refuses more images than the model takes before sending anything', async () => {
    const one = await image(tmp, 'one', 8, 8);
    const e17 = await failure(openai().generate(request('gpt-image-2', { prompt: 'p', input: one, refs: Array(16).fill(one) }), context()));
    expect([e17.retryable, e17.message]).toEqual([false, 'gpt-image-2 takes at most 16 images (input plus refs); this node has 17']);
    const dalle = await failure(openai().generate(request('dall-e-3', { prompt: 'p', refs: [one] }), context()));
    expect(dalle.message).toBe('dall-e-3 takes no input or reference images; this node has 1');
    const mask = await failure(openai().generate(request('gpt-image-2', { prompt: 'p', mask: one }), context()));
    expect(mask.message).toMatch(/a mask applies to the first image/);
    expect(fake.calls()).toEqual([]);
  });
});

describe('openai: the limits OpenAI publishes', () => {
  it('a request beyond the table\'s limits for the model is refused before anything is sent', async () => {
    const many = await failure(openai().generate(request('gpt-image-2', { prompt: 'p', numImages: 11 }), context()));
    expect([many.retryable, many.message]).toEqual([false, 'gpt-image-2 makes at most 10 images per request; this one asks for 11']);
    const odd = await failure(openai().generate(request('gpt-image-2', { prompt: 'p', size: { width: 1000, height: 1000, aspectRatio: '1:1' } }), context()));
    expect(odd.message).toBe('gpt-image-2 cannot make 1000x1000: its sides are not multiples of 16');
    const small = await failure(openai().generate(request('gpt-image-2', { prompt: 'p', params: { size: '512x512' } }), context()));
    expect(small.message).toBe('gpt-image-2 cannot make 512x512: it is under 655,360 pixels');
    expect(fake.calls()).toEqual([]);
  });

  // The fake follows OpenAI's published rules (test/fakes/openai-rules.ts), not aivp's table: each
  // refusal in OpenAI's error body, as the SDK surfaces it.
  it.each([
    ['a shut-down model', 'gpt-image-1', {}, 404, /The model `gpt-image-1` does not exist/],
    ['a field outside the request type', 'gpt-image-2', { seed: 7 }, 400, /Unknown parameter: 'seed'/],
    ['a value outside an enum', 'gpt-image-2', { quality: 'ultra' }, 400, /Invalid value: 'ultra'\. Supported values are: 'low', 'medium', 'high', 'auto'/],
    ['a model OpenAI does not serve', 'openai:some-future-model', {}, 404, /The model `some-future-model` does not exist/],
  ])('the fake refuses %s', async (_what, model, params, status, message) => {
    const err = await failure(openai().generate(request(model, { prompt: 'p', params }), context()));
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(message);
    expect(err.message).toContain(`OpenAI API ${status}`);
    expect(fake.calls()).toHaveLength(1);
  });

  it('the fake refuses a size outside gpt-image-2\'s rules even when the table would let it through', async () => {
    const { openaiRefusal } = await import('../fakes/openai-rules.js');
    expect(openaiRefusal('generate', { model: 'gpt-image-2', prompt: 'p', size: '4096x1024' })?.param).toBe('size');
    expect(openaiRefusal('generate', { model: 'gpt-image-2', prompt: 'p', size: '3840x2160' })).toBeUndefined();
    expect(openaiRefusal('generate', { model: 'gpt-image-2', prompt: 'p', n: 11 })?.code).toBe('integer_out_of_range');
    expect(openaiRefusal('edit', { model: 'gpt-image-2', prompt: 'p' }, 17)?.param).toBe('image');
  });
});

describe('imagerouter', () => {
  it('posts to its base URL with its key as Bearer and downloads the answered URLs', async () => {
    const req = request('imagerouter:test/test', { prompt: PROMPT, numImages: 2, size: LANDSCAPE, params: { quality: 'auto' } });
    const progress = context();
    const result = await imagerouter().generate(req, progress);

    const sent = fake.calls()[0];
    expect(sent.path).toBe('/v1/openai/images/generations');
    expect(sent.headers.authorization).toBe(`Bearer ${IR_KEY}`);
    expect(sent.headers['openai-organization']).toBeUndefined();
    expect(sent.json).toEqual({ model: 'test/test', prompt: PROMPT, n: 2, size: '1024x768', quality: 'auto' });
    expect(fake.downloads).toHaveLength(2);
    expect(await Promise.all(result.files.map((f) => format(f.bytes)))).toEqual(['png 64x48', 'png 64x48']);
    expect(progress.progress.map((p) => p.state)).toEqual(['submitting', 'downloading']);
  });

  it('edits through its /images/edits with image[] parts; base64 answers are taken too', async () => {
    const input = await image(tmp, 'input', 16, 16);
    const req = request('imagerouter:test/test', { prompt: 'p', input, params: { response_format: 'b64_json' } });
    const result = await imagerouter().generate(req, context());
    const sent = fake.calls()[0];
    expect(sent.path).toBe('/v1/openai/images/edits');
    expect(sent.fields).toMatchObject({ model: ['test/test'], response_format: ['b64_json'] });
    expect(sent.files.map((f) => f.name)).toEqual(['image[]']);
    expect(fake.downloads).toEqual([]);
    expect(await format(result.files[0].bytes)).toBe('png 64x48');
  });
});

describe('errors', () => {
  const gen = (p = openai(), model = 'gpt-image-2') => p.generate(request(model, { prompt: 'p' }), context());

  it('429 is retryable with Retry-After, after exactly one request (the SDK does not retry)', async () => {
    fake.behaviour.fail = { status: 429, code: 'rate_limit_exceeded', message: 'Rate limit reached', retryAfter: '3' };
    const err = await failure(gen());
    expect([err.retryable, err.status, err.retryAfterMs]).toEqual([true, 429, 3000]);
    expect(err.message).toBe('OpenAI API 429 rate_limit_exceeded: Rate limit reached');
    expect(fake.calls()).toHaveLength(1);
  });

  it('429 for an exhausted quota is not retryable', async () => {
    fake.behaviour.fail = { status: 429, code: 'insufficient_quota', message: 'You exceeded your current quota' };
    const err = await failure(gen());
    expect([err.retryable, err.status]).toEqual([false, 429]);
    expect(err.message).toMatch(/out of quota/);
  });

  it('500 is retryable; another 400 is not', async () => {
    fake.behaviour.fail = { status: 500 };
    const e500 = await failure(gen());
    expect([e500.retryable, e500.status, e500.retryAfterMs]).toEqual([true, 500, undefined]);
    fake.behaviour.fail = { status: 400, code: 'invalid_value', message: "Invalid value: 'huge'." };
    const e400 = await failure(gen());
    expect([e400.retryable, e400.status, e400.message]).toEqual([false, 400, "OpenAI API 400 invalid_value: Invalid value: 'huge'."]);
  });

  it('a moderation refusal is a clear, non-retryable node error', async () => {
    fake.behaviour.fail = { status: 400, code: 'moderation_blocked', message: 'Your request was rejected by the safety system.' };
    const err = await failure(gen());
    expect(err.retryable).toBe(false);
    expect(err.message).toBe(
      "gpt-image-2: the prompt was refused by OpenAI's moderation (OpenAI API 400 moderation_blocked): Your request was rejected by the safety system.",
    );
  });

  it('a rejected key says so, names the variable and never echoes the key', async () => {
    fake.behaviour.fail = { status: 401, code: 'invalid_api_key', echoKey: true };
    const err = await failure(gen());
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/^OpenAI rejected the key in OPENAI_API_KEY \(OpenAI API 401 invalid_api_key\): Incorrect API key provided: \*\*\*/);
    fake.behaviour.fail = { status: 403, echoKey: true };
    const e403 = await failure(gen(imagerouter(), 'imagerouter:test/test'));
    expect(e403.message).toMatch(/^ImageRouter rejected the key in IMAGEROUTER_API_KEY/);
  });

  it('a missing key is the one missing-key message, before any request', async () => {
    const err = await failure(gen(createOpenAIProvider({ env: { OPENAI_BASE_URL: fake.openaiUrl }, provider: 'openai' })));
    expect([err.retryable, err.message]).toEqual([false, missingKeyMessage(OPENAI_VARS.openai)]);
    expect(fake.requests).toEqual([]);
  });

  it('an answer without data is a clear, non-retryable error', async () => {
    fake.behaviour.answer = 'malformed';
    const err = await failure(gen());
    expect(err.retryable).toBe(false);
    expect(err.message).toBe('OpenAI sent a malformed answer for gpt-image-2: no b64_json or url in data[] ({"created":1})');
  });

  it('cut-off JSON is retryable', async () => {
    fake.behaviour.answer = 'truncated-json';
    const err = await failure(gen());
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/^OpenAI API sent a malformed response \(not JSON\)/);
  });

  it('bytes that are not an image, in base64 or behind a URL, are a retryable error', async () => {
    fake.behaviour.answer = 'not-image';
    const b64 = await failure(gen());
    expect(b64.retryable).toBe(true);
    expect(b64.message).toMatch(/^OpenAI sent image for gpt-image-2 that is not an image: not an image or video: got text\/html "<!doctype html>/);
    const url = await failure(imagerouter().generate(request('imagerouter:test/test', { prompt: 'p', numImages: 2 }), context()));
    expect(url.retryable).toBe(true);
    expect(url.message).toMatch(/^ImageRouter sent image 1 of 2 for test\/test that is not an image: .*text\/html/);
  });

  it('a failed download of an answered URL: 5xx retryable, 404 not', async () => {
    const req = request('imagerouter:test/test', { prompt: 'p' });
    fake.behaviour.downloadStatus = 503;
    const e503 = await failure(imagerouter().generate(req, context()));
    expect([e503.retryable, e503.status, e503.message]).toEqual([true, 503, 'downloading the test/test image failed: HTTP 503']);
    fake.behaviour.downloadStatus = 404;
    const e404 = await failure(imagerouter().generate(req, context()));
    expect([e404.retryable, e404.status]).toEqual([false, 404]);
    expect(fake.downloads).toHaveLength(2);
  });

  it('an unreachable server is retryable', async () => {
    await fake.close();
    const err = await failure(gen());
    expect([err.retryable, err.message]).toEqual([true, 'OpenAI API unreachable (ECONNREFUSED)']);
  });

  it('an abort mid-request passes through untouched', async () => {
    fake.behaviour.fail = { status: 200, hang: true };
    const ctx = context();
    const pending = openai().generate(request('gpt-image-2', { prompt: 'p' }), ctx).then(() => undefined, (e: unknown) => e);
    await until(() => fake.calls().length === 1, 'the request', 10_000);
    ctx.controller.abort();
    const err = (await pending) as Error;
    expect(err).not.toBeInstanceOf(ProviderError);
    expect(err.name).toBe('AbortError');
  });
});
