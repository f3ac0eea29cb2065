// Google on Vertex AI through the real @google/genai and google-auth-library: an external_account
// credentials file whose token endpoint is the fake STS, so every Vertex and storage request
// must carry the token that STS issued.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Env } from '../../src/base/env.js';
import { googleSettings } from '../../src/providers/google/settings.js';
import { createGoogleProvider } from '../../src/providers/google/provider.js';
import { ProviderError } from '../../src/providers/types.js';
import { FAKE_MP4 } from '../fakes/google-server.js';
import { LOCATION, PROJECT, startFakeVertex, type FakeVertex } from '../fakes/vertex-server.js';
import { tempDir } from '../support/project.js';
import { until } from '../support/wait.js';
import { context, image, request } from './google-helpers.js';

const MODELS = `/v1beta1/projects/${PROJECT}/locations/${LOCATION}/publishers/google/models`;

let fake: FakeVertex;
let tmp: string;
let credentials: string;

beforeEach(async () => {
  fake = await startFakeVertex({ pollsUntilDone: 3 });
  tmp = await tempDir();
  credentials = await fake.writeCredentials(tmp);
});
afterEach(async () => {
  await fake.close();
});

/** The build's environment: none of it is in process.env, so the SDK and the auth library see it only through aivp. */
function vertexEnv(extra: Env = {}): Env {
  return {
    GOOGLE_GENAI_USE_VERTEXAI: 'true', GOOGLE_CLOUD_PROJECT: PROJECT, GOOGLE_CLOUD_LOCATION: LOCATION,
    GOOGLE_VERTEX_BASE_URL: fake.url, GOOGLE_APPLICATION_CREDENTIALS: credentials, STORAGE_EMULATOR_HOST: fake.url,
    ...extra,
  };
}
const provider = (env: Env = vertexEnv()) => createGoogleProvider({ env, pollIntervalMs: 5 });
const sts = () => fake.requests.filter((r) => r.path === '/sts/v1/token');
const submits = () => fake.requests.filter((r) => r.path.endsWith(':predictLongRunning'));
const polls = () => fake.requests.filter((r) => r.path.endsWith(':fetchPredictOperation'));
const keyframe = () => image(tmp, 'first', 640, 360, '#f00');
const veo = async (params: Record<string, unknown> = {}) =>
  request('veo-3.1-generate-001', { prompt: 'fly', keyframes: [await keyframe()], duration: 8, seed: 9, params });

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

/** No message may show a credential. */
function expectNoSecrets(err: Error): void {
  for (const secret of [fake.token, fake.subjectToken]) expect(err.message).not.toContain(secret);
}

describe('Vertex AI credentials', () => {
  it('Gemini image: the auth library exchanges the subject token at the STS, and Vertex gets the token it issued', async () => {
    expect(process.env.GOOGLE_APPLICATION_CREDENTIALS).toBeUndefined();
    const result = await provider().generate(request('gemini-3.1-flash-image', { prompt: 'a lighthouse', seed: 4 }), context());

    expect(sts()).toHaveLength(1);
    expect(sts()[0].body).toMatchObject({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: fake.subjectToken,
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      scope: 'https://www.googleapis.com/auth/cloud-platform',
    });
    const calls = fake.requests.filter((r) => r.path.startsWith(MODELS));
    expect(calls.map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${MODELS}/gemini-3.1-flash-image:generateContent`]);
    expect(calls[0].headers.authorization).toBe(`Bearer ${fake.token}`);
    expect(calls[0].headers['x-goog-api-key']).toBeUndefined();
    expect(calls[0].body).toMatchObject({
      contents: [{ role: 'user', parts: [{ text: 'a lighthouse' }] }],
      generationConfig: { seed: 4, responseModalities: ['IMAGE', 'TEXT'] },
    });
    expect(result.files).toHaveLength(1);
    expect(result.files[0].bytes.subarray(1, 4).toString()).toBe('PNG');
  });

  it('takes the project from GCP_PROJECT_ID and defaults the location to us-central1', async () => {
    const env = vertexEnv({ GOOGLE_CLOUD_PROJECT: undefined, GCP_PROJECT_ID: PROJECT, GOOGLE_CLOUD_LOCATION: undefined });
    await provider(env).generate(request('gemini-3.1-flash-image', { prompt: 'x' }), context());
    expect(fake.count(`${MODELS}/gemini-3.1-flash-image:generateContent`)).toBe(1);
  });

  it('reads STORAGE_EMULATOR_HOST as Google\'s Node storage client does', () => {
    const storage = (host?: string) => googleSettings({ STORAGE_EMULATOR_HOST: host }).storageUrl;
    expect(storage()).toBe('https://storage.googleapis.com');
    expect(storage('localhost:9023')).toBe('https://localhost:9023');
    expect(storage('http://127.0.0.1:4443/')).toBe('http://127.0.0.1:4443');
  });

  it('a missing credentials file is a clear, non-retryable error before anything is sent', async () => {
    const err = await failure(provider(vertexEnv({ GOOGLE_APPLICATION_CREDENTIALS: join(tmp, 'nope.json') }))
      .generate(request('gemini-3.1-flash-image', { prompt: 'x' }), context()));
    expect(err.message).toMatch(/^Google Cloud credentials could not be loaded: .*nope\.json/);
    expect(err.retryable).toBe(false);
    expect(fake.requests).toEqual([]);
  });

  it('the token endpoint refusing the subject token (401) is a non-retryable credentials error; Vertex is never called', async () => {
    fake.behaviour.sts = 401;
    const err = await failure(provider().generate(request('gemini-3.1-flash-image', { prompt: 'x' }), context()));
    expect(err.message).toMatch(/^Google Cloud credentials rejected by the token endpoint \(HTTP 401\): .*subject token could not be verified/);
    expect([err.retryable, err.status]).toEqual([false, 401]);
    expect(fake.count(MODELS)).toBe(0);
    expectNoSecrets(err);
  });

  it('the token endpoint down (503) is retryable', async () => {
    fake.behaviour.sts = 503;
    const err = await failure(provider().generate(request('gemini-3.1-flash-image', { prompt: 'x' }), context()));
    expect(err.message).toMatch(/^Google Cloud token endpoint failed \(HTTP 503\)/);
    expect(err.retryable).toBe(true);
  });

  it('a subject token the STS does not know is refused, so the fake checks what the library sends', async () => {
    await writeFile(join(tmp, 'subject-token.txt'), 'someone-else');
    const err = await failure(provider().generate(request('gemini-3.1-flash-image', { prompt: 'x' }), context()));
    expect(err.status).toBe(401);
  });
});

describe('Vertex AI errors', () => {
  it.each([
    { status: 403, re: /^Google Cloud credentials rejected \(Google API 403 PERMISSION_DENIED\)/, retryable: false },
    { status: 429, re: /^Google API 429 RESOURCE_EXHAUSTED/, retryable: true },
    { status: 500, re: /^Google API 500 INTERNAL/, retryable: true },
  ])('$status from Vertex: a clear ProviderError, retryable $retryable, without the bearer token it echoed', async ({ status, re, retryable }) => {
    fake.behaviour.fail = { status, echoKey: true, retryDelay: status === 429 ? '3s' : undefined };
    const err = await failure(provider().generate(request('gemini-3.1-flash-image', { prompt: 'x' }), context()));
    expect(err.message).toMatch(re);
    expect([err.retryable, err.status]).toEqual([retryable, status]);
    if (status === 429) expect(err.retryAfterMs).toBe(3000);
    expect(err.message).toContain('API key not valid: ***');
    expectNoSecrets(err);
  });
});

describe('Veo on Vertex AI', () => {
  it('sends seed and the frame, records the operation before polling with fetchPredictOperation, and keeps the inline bytes', async () => {
    let pollsAtSubmit = -1;
    const ctx = context({
      onSubmitted: async (id) => {
        pollsAtSubmit = polls().length;
        ctx.submitted.push(id);
      },
    });
    const result = await provider().generate(await veo({ generateAudio: true }), ctx);

    expect(submits().map((r) => r.path)).toEqual([`${MODELS}/veo-3.1-generate-001:predictLongRunning`]);
    const body = submits()[0].body;
    expect(body.instances[0].prompt).toBe('fly');
    expect(body.instances[0].image.mimeType).toBe('image/png');
    expect(body.parameters).toEqual({ sampleCount: 1, durationSeconds: 8, seed: 9, generateAudio: true });

    const name = ctx.submitted[0];
    expect(name).toMatch(new RegExp(`^projects/${PROJECT}/locations/${LOCATION}/publishers/google/models/veo-3.1-generate-001/operations/[0-9a-f-]+$`));
    expect(pollsAtSubmit).toBe(0);
    expect(polls().map((r) => [r.method, r.body])).toEqual(Array(3).fill(['POST', { operationName: name }]));
    for (const r of [...submits(), ...polls()]) expect(r.headers.authorization).toBe(`Bearer ${fake.token}`);
    expect(sts()).toHaveLength(1);

    expect(result.files[0].bytes.equals(FAKE_MP4)).toBe(true);
    expect([result.requestId, result.seed]).toEqual([name, 9]);
    expect(ctx.progress.map((p) => p.state)).toEqual(['submitting', 'queued', 'running', 'running', 'running', 'downloading']);
  });

  it('with params.outputGcsUri the video is read from Cloud Storage with the same bearer token', async () => {
    const result = await provider().generate(await veo({ outputGcsUri: 'gs://aivp-out/renders/' }), context());
    expect(submits()[0].body.parameters.storageUri).toBe('gs://aivp-out/renders/');
    const reads = fake.requests.filter((r) => r.path.startsWith('/storage/'));
    expect(reads).toHaveLength(1);
    const id = submits().length && polls()[0].body.operationName.split('/').pop();
    expect(reads[0].path).toBe(`/storage/v1/b/aivp-out/o/renders%2F${id}%2Fsample_0.mp4`);
    expect(reads[0].query.get('alt')).toBe('media');
    expect(reads[0].headers.authorization).toBe(`Bearer ${fake.token}`);
    expect(sts()).toHaveLength(1);
    expect(result.files[0].bytes.equals(FAKE_MP4)).toBe(true);
  });

  it('a storage object that is not a video is read again, then a retryable error', async () => {
    fake.behaviour.storageBody = Buffer.from('<!DOCTYPE html><html>Sign in</html>');
    const err = await failure(provider().generate(await veo({ outputGcsUri: 'gs://aivp-out/renders' }), context()));
    expect(err.message).toMatch(/^gs:\/\/aivp-out\/renders\/[0-9a-f-]+\/sample_0\.mp4 is not a whole video: not an image or video/);
    expect(err.retryable).toBe(true);
    expect(fake.count('/storage/')).toBe(5);
    expect(submits()).toHaveLength(1);
  });

  it('a transient storage failure is ridden out; a 403 is a credentials error without the token', async () => {
    fake.behaviour.fail = { status: 503, times: 1, pathIncludes: '/storage/' };
    const ok = await provider().generate(await veo({ outputGcsUri: 'gs://aivp-out/a/' }), context());
    expect(ok.files[0].bytes.equals(FAKE_MP4)).toBe(true);
    expect(fake.count('/storage/')).toBe(2);

    fake.behaviour.fail = { status: 403, pathIncludes: '/storage/', echoKey: true };
    const err = await failure(provider().generate(await veo({ outputGcsUri: 'gs://aivp-out/b/' }), context()));
    expect(err.message).toMatch(/^Google Cloud credentials rejected \(Cloud Storage 403 reading gs:\/\/aivp-out\/b\/[0-9a-f-]+\/sample_0\.mp4\): API key not valid: \*\*\*/);
    expect(err.retryable).toBe(false);
    expectNoSecrets(err);
  });

  it('a transient poll failure is ridden out without submitting again', async () => {
    fake.behaviour.fail = { status: 503, times: 1, pathIncludes: ':fetchPredictOperation' };
    const result = await provider().generate(await veo(), context());
    expect(result.files[0].bytes.equals(FAKE_MP4)).toBe(true);
    expect([submits().length, polls().length]).toEqual([1, 4]);
  });

  it('an operation error and a filtered video are non-retryable errors', async () => {
    fake.behaviour.operation = 'error';
    expect((await failure(provider().generate(await veo(), context()))).message).toMatch(/could not be processed\. \(code 3\)/);
    fake.behaviour.operation = 'filtered';
    const err = await failure(provider().generate(await veo(), context()));
    expect(err.message).toMatch(/no video \(1 filtered by safety checks\): The video was filtered for safety/);
    expect(err.retryable).toBe(false);
  });

  it('resumes a recorded operation after an abort mid-poll: a fresh provider polls it and never submits again', async () => {
    fake.behaviour.pollsUntilDone = 1_000_000;
    const first = context({
      onProgress: (p) => {
        if (p.state === 'running') first.controller.abort();
      },
    });
    const req = await veo({ outputGcsUri: 'gs://aivp-out/resumed/' });
    await expect(provider().generate(req, first)).rejects.toThrow();
    expect([submits().length, polls().length]).toEqual([1, 1]);
    const name = first.submitted[0];

    fake.behaviour.pollsUntilDone = 0;
    const resumed = context({ resume: name });
    const result = await provider().generate(req, resumed);
    expect(submits()).toHaveLength(1);
    expect(polls().map((r) => r.body.operationName)).toEqual([name, name]);
    expect(resumed.submitted).toEqual([]);
    expect(result.requestId).toBe(name);
    expect(result.files[0].bytes.equals(FAKE_MP4)).toBe(true);
    expect(fake.count('/storage/v1/b/aivp-out/o/resumed%2F')).toBe(1);
  });

  it('an operation Vertex no longer knows is submitted afresh', async () => {
    const ctx = context({ resume: `projects/${PROJECT}/locations/${LOCATION}/publishers/google/models/veo-3.1-generate-001/operations/gone` });
    const result = await provider().generate(await veo(), ctx);
    expect(submits()).toHaveLength(1);
    expect(ctx.submitted).toHaveLength(1);
    expect(result.requestId).toBe(ctx.submitted[0]);
  });

  it('an abort ends a poll Vertex never answers (the SDK does not pass the signal to fetchPredictOperation)', async () => {
    fake.behaviour.fail = { status: 200, hang: true, pathIncludes: ':fetchPredictOperation' };
    const ctx = context();
    const pending = provider().generate(await veo(), ctx);
    await until(() => polls().length === 1, 'a poll', 10_000);
    ctx.controller.abort();
    await expect(pending).rejects.toThrow(/abort/i);
  }, 15_000);
});
