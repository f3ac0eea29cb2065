import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import { createGoogleProvider } from '../../src/providers/google/provider.js';
import { ProviderError } from '../../src/providers/types.js';
import { FAKE_MP4, startFakeGoogle, type FakeGoogle } from '../fakes/google-server.js';
import { tempDir } from '../support/project.js';
import { KEY, context, image, request } from './google-helpers.js';

let fake: FakeGoogle;
let tmp: string;

beforeEach(async () => {
  fake = await startFakeGoogle({ pollsUntilDone: 3 });
  tmp = await tempDir();
});
afterEach(async () => {
  await fake.close();
});

const POLL_MS = 5;
const provider = () => createGoogleProvider({ env: { GOOGLE_API_KEY: KEY, GOOGLE_GEMINI_BASE_URL: fake.url }, pollIntervalMs: POLL_MS });
const submits = () => fake.requests.filter((r) => r.path.endsWith(':predictLongRunning'));
const polls = () => fake.count('/operations/');

async function keyframes(): Promise<Awaited<ReturnType<typeof image>>[]> {
  return [await image(tmp, 'first', 640, 360, '#f00'), await image(tmp, 'last', 640, 360, '#00f')];
}

async function sizeOf(b64: string): Promise<string> {
  const meta = await sharp(Buffer.from(b64, 'base64')).metadata();
  return `${meta.width}x${meta.height}`;
}

describe('Veo', () => {
  it('veo-3.1 sends first and last frame, records the operation before polling, polls and downloads', async () => {
    let pollsAtSubmit = -1;
    const ctx = context({
      onSubmitted: async (id) => {
        pollsAtSubmit = polls();
        ctx.submitted.push(id);
      },
    });
    const req = request('veo-3.1-generate-001', { prompt: 'fly', keyframes: await keyframes(), duration: 8, aspectRatio: '16:9', seed: 5 });
    const result = await provider().generate(req, ctx);

    expect(submits()).toHaveLength(1);
    const body = submits()[0].body;
    expect(submits()[0].path).toBe('/v1beta/models/veo-3.1-generate-001:predictLongRunning');
    expect(body.instances[0].prompt).toBe('fly');
    expect(await sizeOf(body.instances[0].image.bytesBase64Encoded)).toBe('640x360');
    expect(await sizeOf(body.instances[0].lastFrame.bytesBase64Encoded)).toBe('640x360');
    expect(body.parameters).toMatchObject({ sampleCount: 1, durationSeconds: 8, aspectRatio: '16:9' });
    expect(body.parameters.seed).toBeUndefined();
    expect(body.parameters.generateAudio).toBeUndefined();

    expect(ctx.submitted).toEqual(['models/veo-3.1-generate-001/operations/op1']);
    expect(pollsAtSubmit).toBe(0);
    expect(polls()).toBe(3);
    expect(fake.count('/v1beta/files/vidop1:download')).toBe(1);
    expect(result.files[0].bytes.equals(FAKE_MP4)).toBe(true);
    expect(result.requestId).toBe('models/veo-3.1-generate-001/operations/op1');
    expect(ctx.progress.map((p) => p.state)).toEqual(['submitting', 'queued', 'running', 'running', 'running', 'downloading']);
  });

  it('a long job leaves no abort listener behind per poll (no MaxListenersExceededWarning past ~100 s)', async () => {
    await fake.close();
    fake = await startFakeGoogle({ pollsUntilDone: 25 });
    const ctx = context();
    const before = getEventListeners(ctx.signal, 'abort').length;
    await provider().generate(request('veo-3.1-generate-001', { prompt: 'fly', keyframes: await keyframes(), duration: 8, aspectRatio: '16:9' }), ctx);
    expect(polls()).toBe(25);
    expect(getEventListeners(ctx.signal, 'abort').length).toBe(before);
  });

  // The fake follows Google's published rules (test/fakes/google-rules.ts), not aivp's table.
  it.each([
    ['a retired model', 'veo-3.0-generate-001', {}, /Google API 404 NOT_FOUND: models\/veo-3\.0-generate-001 is not found/],
    ['a duration Veo does not offer', 'veo-3.1-generate-001', { duration: 5 }, /Google API 400 INVALID_ARGUMENT: durationSeconds must be one of 4, 6, 8; got 5/],
    ['a ratio Veo does not offer', 'veo-3.1-generate-001', { params: { aspectRatio: '1:1' } }, /aspectRatio must be 16:9 or 9:16/],
  ])('the fake refuses %s, and the error is not retried', async (_what, model, fields, message) => {
    const err = await provider().generate(request(model, { prompt: 'walk', keyframes: await keyframes(), ...fields }), context()).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).message).toMatch(message);
    expect((err as ProviderError).retryable).toBe(false);
    expect(submits()).toHaveLength(1);
  });

  it('resumes from a recorded operation name without submitting again', async () => {
    const first = context({
      onSubmitted: async (id) => {
        first.submitted.push(id);
        first.controller.abort();
      },
    });
    const req = request('veo-3.1-generate-001', { prompt: 'fly', keyframes: await keyframes() });
    await expect(provider().generate(req, first)).rejects.toThrow();
    expect(submits()).toHaveLength(1);

    const result = await provider().generate(req, context({ resume: first.submitted[0] }));
    expect(submits()).toHaveLength(1);
    expect(result.files[0].bytes.equals(FAKE_MP4)).toBe(true);
    expect(result.requestId).toBe(first.submitted[0]);
  });

  it('abort stops polling', async () => {
    fake.behaviour.pollsUntilDone = 1_000_000;
    const ctx = context({
      onProgress: (p) => {
        if (p.state === 'running' && polls() >= 3) ctx.controller.abort();
      },
    });
    const req = request('veo-3.1-generate-001', { prompt: 'x', keyframes: (await keyframes()).slice(0, 1) });
    await expect(provider().generate(req, ctx)).rejects.toThrow();
    const seen = polls();
    expect(seen).toBe(3);
    // A poll not made is no event: wait ten poll intervals, in which a loop left running would poll.
    await sleep(10 * POLL_MS);
    expect(polls()).toBe(seen);
  });

  it('an operation error is a non-retryable ProviderError', async () => {
    fake.behaviour.operation = 'error';
    const req = request('veo-3.1-generate-001', { prompt: 'x', keyframes: (await keyframes()).slice(0, 1) });
    const err = await provider().generate(req, context()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).retryable).toBe(false);
    expect((err as ProviderError).message).toContain('could not be processed');
  });

  it('a filtered video is a clear non-retryable error with the reasons', async () => {
    fake.behaviour.operation = 'filtered';
    const req = request('veo-3.1-generate-001', { prompt: 'x', keyframes: (await keyframes()).slice(0, 1) });
    const err = await provider().generate(req, context()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).retryable).toBe(false);
    expect((err as ProviderError).message).toMatch(/no video \(1 filtered by safety checks\): .*celebrity/);
    expect(fake.count(':download')).toBe(0);
  });

  it('rides out a transient poll failure instead of failing the paid operation', async () => {
    fake.behaviour.fail = { status: 503, times: 1, pathIncludes: '/operations/' };
    const req = request('veo-3.1-generate-001', { prompt: 'x', keyframes: (await keyframes()).slice(0, 1) });
    const result = await provider().generate(req, context());
    expect(result.files[0].bytes.equals(FAKE_MP4)).toBe(true);
    expect(submits()).toHaveLength(1);
    expect(polls()).toBe(4);
  });

  it('rides out a transient download failure', async () => {
    fake.behaviour.fail = { status: 500, times: 2, pathIncludes: ':download' };
    const req = request('veo-3.1-generate-001', { prompt: 'x', keyframes: (await keyframes()).slice(0, 1) });
    const result = await provider().generate(req, context());
    expect(result.files[0].bytes.equals(FAKE_MP4)).toBe(true);
    expect([submits().length, fake.count(':download')]).toEqual([1, 3]);
  });

  it('a 429 on submit is retryable and leaks no key', async () => {
    fake.behaviour.fail = { status: 429, retryDelay: '2s', echoKey: true };
    const req = request('veo-3.1-generate-001', { prompt: 'x', keyframes: (await keyframes()).slice(0, 1) });
    const err = (await provider().generate(req, context()).catch((e: unknown) => e)) as ProviderError;
    expect(err).toBeInstanceOf(ProviderError);
    expect([err.retryable, err.retryAfterMs]).toEqual([true, 2000]);
    expect(err.message).not.toContain(KEY);
  });
});
