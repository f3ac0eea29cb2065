import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { falKeyPresent } from '../../src/providers/fal/credentials.js';
import { createFalProvider } from '../../src/providers/fal/provider.js';
import { createFalSetup } from '../../src/providers/fal/client.js';
import { uploadsPath } from '../../src/providers/fal/uploads.js';
import { sha256Bytes } from '../../src/media/hash.js';
import { lookupModel } from '../../src/providers/models.js';
import { resolveSize } from '../../src/providers/size.js';
import {
  ProviderError, type GenerateContext, type Provider, type GenerateRequest, type InputImage, type Progress,
} from '../../src/providers/types.js';
import { startFakeFal, type FakeFal } from '../fakes/fal-server.js';
import { makeImage } from '../support/images.js';
import { tempDir } from '../support/project.js';

let fake: FakeFal;
let root: string;

beforeEach(async () => {
  fake = await startFakeFal();
  root = await tempDir();
});

afterEach(async () => {
  await fake.close();
});

function model(id: string) {
  return lookupModel(id, id.includes('video') ? 'video' : 'image')!.info;
}

function request(id: string, extra: Partial<GenerateRequest> = {}): GenerateRequest {
  return { node: 'shot', model: model(id), prompt: 'a cliff at dusk', numImages: 1, refs: [], keyframes: [], params: {}, ...extra };
}

interface Recorded {
  ctx: GenerateContext;
  progress: Progress[];
  submitted: string[];
}

function context(extra: Partial<GenerateContext> = {}): Recorded {
  const progress: Progress[] = [];
  const submitted: string[] = [];
  const ctx: GenerateContext = {
    signal: new AbortController().signal,
    onProgress: (p) => void progress.push(p),
    onSubmitted: async (id) => void submitted.push(id),
    ...extra,
  };
  return { ctx, progress, submitted };
}

async function image(name: string, color: number): Promise<InputImage> {
  const bytes = await makeImage({ width: 32, height: 24, colour: { r: color, g: 0, b: 0 } });
  const path = join(root, `${name}.png`);
  await writeFile(path, bytes);
  return { name, path, sha256: sha256Bytes(bytes), mediaType: 'image/png' };
}

/** The fal routes the provider called, in order. */
function routes(): string[] {
  return fake.requests.map((r) => r.route);
}

/** The provider, each generate also awaiting the bookkeeping it leaves pending, as a build's end does. */
function provider(): Provider {
  const p = createFalProvider({ env: fake.env(), root, pollIntervalMs: 5 });
  return {
    ...p,
    generate: async (req, ctx) => {
      const res = await p.generate(req, ctx);
      await res.pending;
      return res;
    },
  };
}

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

describe('fal provider: queue lifecycle', () => {
  it('submits, reports queue and run progress, fetches and downloads the result', async () => {
    fake.set({ queueSteps: 2, runSteps: 2 });
    const rec = context();
    const order: string[] = [];
    rec.ctx.onSubmitted = async (id) => {
      rec.submitted.push(id);
      order.push(`submitted; results fetched so far: ${fake.requests.filter((r) => r.route === 'result').length}`);
    };
    const res = await provider().generate(
      request('fal-ai/flux/dev', { seed: 7, numImages: 2, size: resolveSize('landscape') }),
      rec.ctx,
    );

    expect(fake.submissions).toHaveLength(1);
    const sub = fake.submissions[0];
    expect(sub.model).toBe('fal-ai/flux/dev');
    expect(sub.input).toEqual({ prompt: 'a cliff at dusk', image_size: 'landscape_4_3', seed: 7, num_images: 2 });
    expect(sub.headers.authorization).toBe(`Key ${fake.key}`);
    expect(JSON.parse(String(sub.headers['x-fal-object-lifecycle-preference']))).toEqual({ expiration_duration_seconds: 604800 });
    expect(rec.submitted).toEqual([sub.requestId]);
    expect(order).toEqual(['submitted; results fetched so far: 0']);

    expect(rec.progress[0]).toEqual({ state: 'submitting' });
    expect(rec.progress).toContainEqual({ state: 'queued', queuePosition: 1 });
    expect(rec.progress).toContainEqual({ state: 'queued', queuePosition: 0 });
    expect(rec.progress).toContainEqual({ state: 'running', log: 'step 1' });
    expect(rec.progress).toContainEqual({ state: 'running', log: 'step 2' });
    expect(rec.progress.at(-1)).toEqual({ state: 'downloading' });

    expect(res.requestId).toBe(sub.requestId);
    expect(res.seed).toBe(7);
    expect(res.files).toHaveLength(2);
    for (const f of res.files) {
      const meta = await sharp(f.bytes).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['png', 1024, 768]);
      expect(f.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\/out\//);
    }
    // Output URLs are remembered by content, so downstream nodes pass them without uploading;
    // the write is left pending so it does not hold the provider slot.
    expect(res.pending).toBeInstanceOf(Promise);
    await res.pending;
    const cache = JSON.parse(await readFile(uploadsPath(root), 'utf8'));
    expect(cache[sha256Bytes(res.files[0].bytes)].url).toBe(res.files[0].url);
  });

  it('chooses, sends and reports a seed when the request had none, so the record holds it', async () => {
    const res = await provider().generate(request('fal-ai/flux/schnell'), context().ctx);
    expect(typeof res.seed).toBe('number');
    expect(fake.submissions[0].input.seed).toBe(res.seed);
  });

  it('re-attaches to a recorded request id without submitting again', async () => {
    const earlier = await fetch(fake.url, {
      method: 'POST',
      headers: { 'x-fal-target-url': 'https://queue.fal.run/fal-ai/flux/dev', 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'a cliff at dusk', seed: 3 }),
    }).then((r) => r.json() as Promise<{ request_id: string }>);
    const rec = context({ resume: earlier.request_id });
    const res = await provider().generate(request('fal-ai/flux/dev', { seed: 3 }), rec.ctx);
    expect(fake.submissions).toHaveLength(1);
    expect(rec.submitted).toEqual([]);
    expect(res.requestId).toBe(earlier.request_id);
    expect(res.files).toHaveLength(1);
  });

  it('submits afresh when the recorded request id is unknown to fal', async () => {
    const rec = context({ resume: 'gone-request' });
    const res = await provider().generate(request('fal-ai/flux/dev'), rec.ctx);
    expect(fake.submissions).toHaveLength(1);
    expect(rec.submitted).toEqual([res.requestId]);
  });

  it('keeps polling through a transient status failure', async () => {
    fake.fail({ on: 'stream', status: 503 });
    fake.fail({ on: 'status', status: 503 });
    const res = await provider().generate(request('fal-ai/flux/dev'), context().ctx);
    expect(res.files).toHaveLength(1);
    expect(fake.submissions).toHaveLength(1);
    // The failed poll does not advance the job: two more polls see IN_PROGRESS, then COMPLETED.
    expect(routes()).toEqual(['submit', 'stream', 'status', 'status', 'status', 'result', 'file']);
  });

  it('an abort mid-stream closes the stream and cancels the request at fal', async () => {
    fake.set({ queueSteps: 1_000_000 });
    const ac = new AbortController();
    const rec = context({ signal: ac.signal });
    rec.ctx.onProgress = (p) => {
      if (p.state === 'queued') ac.abort();
    };
    const err = await provider().generate(request('fal-ai/flux/dev'), rec.ctx).then(() => undefined, (e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
    expect(routes()).toEqual(['submit', 'stream', 'cancel']);
    expect(fake.cancels).toEqual([fake.submissions[0].requestId]);
  });

  it('cancel() cancels a queued request', async () => {
    fake.set({ queueSteps: 1_000_000 });
    const sub = await fetch(fake.url, {
      method: 'POST',
      headers: { 'x-fal-target-url': 'https://queue.fal.run/fal-ai/flux/dev', 'content-type': 'application/json' },
      body: '{"prompt":"x"}',
    }).then((r) => r.json() as Promise<{ request_id: string }>);
    await provider().cancel!(model('fal-ai/flux/dev'), sub.request_id);
    expect(fake.cancels).toEqual([sub.request_id]);
  });

  it('waits on the status stream: completion noticed without a single poll', async () => {
    fake.set({ queueSteps: 2, runSteps: 2 });
    const rec = context();
    const res = await provider().generate(request('fal-ai/flux/dev'), rec.ctx);
    expect(res.files).toHaveLength(1);
    expect(routes()).toEqual(['submit', 'stream', 'result', 'file']);
    expect(rec.progress).toContainEqual({ state: 'queued', queuePosition: 1 });
    expect(rec.progress).toContainEqual({ state: 'running', log: 'step 2' });
  });

  it('a stream that ends before COMPLETED is finished by polling', async () => {
    fake.set({ runSteps: 3 });
    fake.fail({
      on: 'stream', headers: { 'content-type': 'text/event-stream' },
      raw: `data: ${JSON.stringify({ status: 'IN_PROGRESS', logs: [] })}\n\n`,
    });
    const res = await provider().generate(request('fal-ai/flux/dev'), context().ctx);
    expect(res.files).toHaveLength(1);
    const r = routes();
    expect(r.slice(0, 3)).toEqual(['submit', 'stream', 'status']);
    expect(r.slice(-2)).toEqual(['result', 'file']);
    expect(fake.submissions).toHaveLength(1);
  });

  it('the fake streams status over SSE to the real SDK', async () => {
    fake.set({ queueSteps: 2, runSteps: 2 });
    const { fal } = createFalSetup(fake.env());
    const states: string[] = [];
    const res = await fal.subscribe('fal-ai/flux/dev', {
      input: { prompt: 'p' }, mode: 'streaming', onQueueUpdate: (s) => void states.push(s.status),
    });
    expect(states).toContain('IN_QUEUE');
    expect(states).toContain('IN_PROGRESS');
    expect(states.at(-1)).toBe('COMPLETED');
    expect(fake.requests.some((r) => r.route === 'stream')).toBe(true);
    expect((res.data as { images: unknown[] }).images).toHaveLength(1);
  });

  it('downloads data: URI outputs', async () => {
    fake.set({ outputs: 'data', imageSize: { width: 40, height: 30 } });
    const res = await provider().generate(request('fal-ai/flux/dev'), context().ctx);
    const meta = await sharp(res.files[0].bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 40, 30]);
    expect(res.files[0].url).toBeUndefined();
  });
});

describe('fal provider: inputs and uploads', () => {
  it('uploads a local input once per content, across provider instances', async () => {
    const input = await image('hero', 200);
    const req = request('fal-ai/flux-pro/kontext', { input, size: resolveSize('16:9') });
    await provider().generate(req, context().ctx);
    await provider().generate(req, context().ctx);
    expect(fake.uploads).toHaveLength(1);
    expect(fake.uploads[0].bytes.equals(await readFile(input.path))).toBe(true);
    expect(fake.uploads[0].contentType).toBe('image/png');
    for (const s of fake.submissions) {
      expect(s.input).toMatchObject({ image_url: fake.uploads[0].url, aspect_ratio: '16:9' });
    }
    const cache = JSON.parse(await readFile(uploadsPath(root), 'utf8'));
    expect(cache[input.sha256].url).toBe(fake.uploads[0].url);
  });

  it('uploads concurrent uses of the same image once', async () => {
    const input = await image('hero', 10);
    const p = provider();
    await Promise.all([1, 2, 3].map(() => p.generate(request('fal-ai/flux-pro/kontext', { input }), context().ctx)));
    expect(fake.uploads).toHaveLength(1);
  });

  it('re-uploads once the cached URL is past its reuse window', async () => {
    const input = await image('hero', 50);
    await mkdir(join(root, '.aivp'), { recursive: true });
    const old = new Date(Date.now() - 8 * 24 * 3600 * 1000).toISOString();
    await writeFile(uploadsPath(root), JSON.stringify({ [input.sha256]: { url: 'https://v3.fal.media/files/old.png', uploadedAt: old } }));
    await provider().generate(request('fal-ai/flux-pro/kontext', { input }), context().ctx);
    expect(fake.uploads).toHaveLength(1);
    expect(fake.submissions[0].input.image_url).toBe(fake.uploads[0].url);
    const cache = JSON.parse(await readFile(uploadsPath(root), 'utf8'));
    expect(cache[input.sha256].url).toBe(fake.uploads[0].url);
  });

  it('reuses the URL of an earlier output instead of uploading it', async () => {
    const first = await provider().generate(request('fal-ai/flux/dev'), context().ctx);
    const path = join(root, 'out.png');
    await writeFile(path, first.files[0].bytes);
    const input: InputImage = { name: 'shot', path, sha256: sha256Bytes(first.files[0].bytes), mediaType: 'image/png' };
    await provider().generate(request('fal-ai/flux/dev/image-to-image', { input }), context().ctx);
    expect(fake.uploads).toHaveLength(0);
    expect(fake.submissions[1].input.image_url).toBe(first.files[0].url);
  });

  it('sends input and refs together as a list field, mask and params', async () => {
    const input = await image('in', 1);
    const ref = await image('ref', 2);
    const mask = await image('mask', 3);
    await provider().generate(
      request('fal-ai/nano-banana-pro/edit', { input, refs: [ref], size: resolveSize('portrait'), params: { resolution: '2K' } }),
      context().ctx,
    );
    await provider().generate(request('fal-ai/flux-general/inpainting', { input, mask, size: resolveSize('640x480') }), context().ctx);
    const [edit, inpaint] = fake.submissions;
    const urlOf = (img: InputImage) => fake.uploads.find((u) => u.bytes.length > 0 && sha256Bytes(u.bytes) === img.sha256)!.url;
    expect(edit.input).toEqual({
      prompt: 'a cliff at dusk', aspect_ratio: '3:4', num_images: 1, image_urls: [urlOf(input), urlOf(ref)], resolution: '2K',
      seed: expect.any(Number),
    });
    expect(inpaint.input).toMatchObject({
      image_url: urlOf(input), mask_url: urlOf(mask), image_size: { width: 640, height: 480 },
    });
  });

  it('maps segment keyframes, durations, ratios and sound per model', async () => {
    const a = await image('a', 1);
    const b = await image('b', 2);
    const kling = await provider().generate(
      request('fal-ai/kling-video/v2.5-turbo/pro/image-to-video', { keyframes: [a, b], duration: 10, aspectRatio: '16:9' }),
      context().ctx,
    );
    await provider().generate(request('fal-ai/veo3/image-to-video', { keyframes: [a], aspectRatio: '4:3' }), context().ctx);
    await provider().generate(request('fal-ai/kling-video/v2.6/pro/image-to-video', { keyframes: [a] }), context().ctx);
    const [k, v, k26] = fake.submissions;
    // Kling takes no aspect ratio: the segment's would silently do nothing.
    expect(k.input).toMatchObject({ image_url: expect.any(String), tail_image_url: expect.any(String), duration: '10' });
    expect(k.input.aspect_ratio).toBeUndefined();
    expect(k.input.image_url).not.toBe(k.input.tail_image_url);
    // Veo: fal's default length (8 s) sent explicitly, the ratio snapped to the two it takes.
    expect(v.input).toMatchObject({ image_url: k.input.image_url, duration: '8s', aspect_ratio: '16:9' });
    expect(v.input.tail_image_url).toBeUndefined();
    expect(k26.input).toMatchObject({ start_image_url: k.input.image_url, duration: '5', generate_audio: false });
    expect(kling.files[0].bytes.subarray(4, 8).toString()).toBe('ftyp');
  });
});

describe('fal provider: errors', () => {
  it('lists 422 field errors per field, not retryable', async () => {
    fake.fail({
      on: 'submit', status: 422,
      body: { detail: [{ loc: ['body', 'image_size'], msg: 'value is not a valid enumeration member', type: 'type_error.enum' }] },
    });
    const err = await failure(provider().generate(request('fal-ai/flux/dev'), context().ctx));
    expect(err.retryable).toBe(false);
    expect(err.status).toBe(422);
    expect(err.message).toContain('input.image_size: value is not a valid enumeration member');
  });

  it('429 is retryable with Retry-After, and the SDK does not retry on its own', async () => {
    fake.fail({ on: 'submit', status: 429, headers: { 'retry-after': '3' }, body: { detail: 'rate limited' } });
    const err = await failure(provider().generate(request('fal-ai/flux/dev'), context().ctx));
    expect([err.retryable, err.status, err.retryAfterMs]).toEqual([true, 429, 3000]);
    expect(err.message).toContain('rate limited');
    expect(fake.requests.filter((r) => r.route === 'submit')).toHaveLength(1);
  });

  it('500 is retryable', async () => {
    fake.fail({ on: 'submit', status: 500 });
    const err = await failure(provider().generate(request('fal-ai/flux/dev'), context().ctx));
    expect([err.retryable, err.status]).toEqual([true, 500]);
    expect(fake.requests.filter((r) => r.route === 'submit')).toHaveLength(1);
  });

  it('a refused connection is retryable', async () => {
    const url = fake.url;
    await fake.close();
    const p = createFalProvider({ env: { FAL_KEY: 'k-123456', AIVP_FAL_PROXY_URL: url }, root });
    const err = await failure(p.generate(request('fal-ai/flux/dev'), context().ctx));
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('network error');
    fake = await startFakeFal();
  });

  it("fails on fal's safety checker", async () => {
    fake.set({ nsfw: true });
    const err = await failure(provider().generate(request('fal-ai/flux/dev'), context().ctx));
    expect(err.retryable).toBe(false);
    expect(err.message).toContain("blocked by fal's safety checker");
  });

  it('401 through a proxy with no key says the key is not set', async () => {
    fake.fail({ on: 'submit', status: 401, body: { detail: 'No key' } });
    const p = createFalProvider({ env: { AIVP_FAL_PROXY_URL: fake.url }, root, pollIntervalMs: 5 });
    const err = await failure(p.generate(request('fal-ai/flux/dev'), context().ctx));
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('FAL_KEY is not set');
    expect(err.message).not.toContain('rejected');
  });

  it('401 names FAL_KEY and never shows the key', async () => {
    fake.fail({ on: 'submit', status: 401, body: { detail: `Invalid key ${fake.key}` } });
    const err = await failure(provider().generate(request('fal-ai/flux/dev'), context().ctx));
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('FAL_KEY rejected');
    expect(err.message).not.toContain(fake.key);
  });

  it('never shows the key even when fal echoes it', async () => {
    for (const status of [400, 500, 422]) {
      fake.fail({ on: 'submit', status, body: { detail: `bad request from Key ${fake.key}` } });
      const err = await failure(provider().generate(request('fal-ai/flux/dev'), context().ctx));
      expect(err.message).not.toContain(fake.key);
      expect(err.message).toContain('***');
    }
    const split = { FAL_KEY_ID: 'key-id-abcdef', FAL_KEY_SECRET: 'secret-0123456789', AIVP_FAL_PROXY_URL: fake.url };
    fake.fail({ on: 'submit', status: 400, body: { detail: `echo key-id-abcdef:secret-0123456789` } });
    const err = await failure(createFalProvider({ env: split, root }).generate(request('fal-ai/flux/dev'), context().ctx));
    expect(err.message).not.toMatch(/secret-0123456789|key-id-abcdef/);
    expect(fake.submissions).toHaveLength(0);
  });

  it('a missing key is a clear error naming FAL_KEY, before any request', async () => {
    expect(falKeyPresent({})).toBe(false);
    expect(falKeyPresent({ FAL_KEY: 'x' })).toBe(true);
    expect(falKeyPresent({ FAL_KEY_ID: 'a', FAL_KEY_SECRET: 'b' })).toBe(true);
    const err = await failure(createFalProvider({ env: {}, root }).generate(request('fal-ai/flux/dev'), context().ctx));
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('FAL_KEY');
    expect(fake.requests).toHaveLength(0);
  });
});
