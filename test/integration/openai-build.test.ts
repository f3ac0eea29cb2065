// A project mixing OpenAI text to image, an OpenAI edit with references and an ImageRouter node,
// built by the CLI binary through the real `openai` client against the fake images API.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { events, runCli } from '../cli/helpers.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai-server.js';
import { makeImage } from '../support/images.js';
import { readJson, tempProject } from '../support/project.js';
import { checkRecords, expectNoStack, fakeEnv, filesContaining, sha256 } from './helpers.js';

const OPENAI_KEY = `openai-test-key-${randomUUID()}`;
const IR_KEY = `imagerouter-test-key-${randomUUID()}`;

const PROJECT = `aivp: 1
name: openai-mix
defaults:
  image: { model: gpt-image-2, size: landscape }
references:
  mentor: { file: refs/mentor.png }
shots:
  t2i: { prompt: "A lighthouse at dusk", seed: 7, params: { quality: low } }
  edit: { prompt: "The mentor at the lighthouse door", model: "openai:gpt-image-2", refs: [t2i, mentor] }
  routed: { prompt: "Same scene, watercolor", model: "imagerouter:test/test", input: t2i, size: portrait }
`;

let fake: FakeOpenAI;
beforeEach(async () => {
  fake = await startFakeOpenAI();
});
afterEach(async () => {
  await fake.close();
});

const env = () => fakeEnv(undefined, undefined, {
  OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: fake.openaiUrl, IMAGEROUTER_API_KEY: IR_KEY, IMAGEROUTER_BASE_URL: fake.imagerouterUrl,
});

async function build(dir: string) {
  const r = await runCli(['-C', dir, 'build', '--json'], { env: env() });
  const evs = events(r.stdout);
  expectNoStack(r.stdout + r.stderr);
  for (const key of [OPENAI_KEY, IR_KEY]) expect(r.stdout + r.stderr).not.toContain(key);
  expect(await filesContaining(dir, [OPENAI_KEY, IR_KEY])).toEqual([]);
  return {
    ...r,
    summary: evs.find((e) => e.type === 'build:done')?.summary,
    retries: evs.filter((e) => e.type === 'node:retry'),
    fallbacks: evs.filter((e) => e.type === 'node:fallback'),
  };
}

const oneShot = (fields: string) => tempProject(`aivp: 1
shots:
  s1: { prompt: "a lighthouse", model: gpt-image-2, ${fields} }
`);

describe('an OpenAI + ImageRouter project built by the CLI against the fake', () => {
  it('generates, edits with every reference and routes through ImageRouter; a second build calls nothing', async () => {
    const mentor = await makeImage({ seed: 'mentor', width: 300, height: 200 });
    const dir = await tempProject(PROJECT, { 'refs/mentor.png': mentor });
    const first = await build(dir);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.summary).toMatchObject({ built: 3, failed: 0 });

    const gen = fake.calls('/v1/images/generations');
    expect(gen.map((c) => c.json)).toEqual([{ model: 'gpt-image-2', prompt: 'A lighthouse at dusk', n: 1, size: '1024x768', quality: 'low' }]);
    const t2iBytes = await readFile(join(dir, 'keyframes/t2i.png'));

    // The edit: the generated shot, then the local reference, as image[] parts.
    const [edit] = fake.calls('/v1/images/edits');
    expect(edit.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    expect(edit.fields).toMatchObject({ model: ['gpt-image-2'], prompt: ['The mentor at the lighthouse door'], size: ['1024x768'] });
    expect(edit.files.map((f) => f.name)).toEqual(['image[]', 'image[]']);
    expect(edit.files.map((f) => sha256(f.bytes))).toEqual([sha256(t2iBytes), sha256(mentor)]);

    // ImageRouter: its own base URL and key, the model name without the prefix, a URL answer downloaded.
    const [routed] = fake.calls('/v1/openai/images/edits');
    expect(routed.headers.authorization).toBe(`Bearer ${IR_KEY}`);
    expect(routed.fields).toMatchObject({ model: ['test/test'], size: ['768x1024'] });
    expect(routed.files.map((f) => sha256(f.bytes))).toEqual([sha256(t2iBytes)]);
    expect(fake.downloads).toHaveLength(1);

    expect(await checkRecords(dir)).toEqual(['edit', 'routed', 't2i']);
    const records: Record<string, any> = Object.fromEntries(await Promise.all(['t2i', 'edit', 'routed'].map(async (n) => [n, await readJson(join(dir, 'metadata', `${n}.json`))])));
    expect(records.t2i).toMatchObject({ provider: 'openai', model: 'gpt-image-2', requestId: 'req_1', outputs: [{ path: 'keyframes/t2i.png', mediaType: 'image/png', width: 64, height: 48 }] });
    expect(records.edit).toMatchObject({ provider: 'openai', model: 'openai:gpt-image-2', requestId: expect.stringMatching(/^req_/) });
    expect(records.routed).toMatchObject({ provider: 'imagerouter', model: 'imagerouter:test/test', requestId: expect.stringMatching(/^req_/) });
    // OpenAI takes no seed: the one asked for is kept as asked, but none is recorded as used.
    expect(records.t2i.seedRequested).toBe(7);
    for (const rec of Object.values(records)) expect(rec.seed, `${rec.node} seed`).toBeUndefined();

    const calls = fake.requests.length;
    const second = await build(dir);
    expect(second.code).toBe(0);
    expect(second.summary).toMatchObject({ built: 0, uptodate: 3 });
    expect(fake.requests).toHaveLength(calls);
    expect(fake.downloads).toHaveLength(1);
  });

  it('a 429 with Retry-After is waited out as asked, then the retry succeeds', async () => {
    const dir = await oneShot('retries: 2');
    fake.behaviour.fail = { status: 429, times: 1, code: 'rate_limit_exceeded', message: 'Rate limit reached', retryAfter: '0.05' };
    const o = await build(dir);
    expect(o.code, o.stderr).toBe(0);
    expect(o.retries).toEqual([expect.objectContaining({ attempt: 1, delayMs: 50, error: 'OpenAI API 429 rate_limit_exceeded: Rate limit reached' })]);
    expect(fake.calls()).toHaveLength(2);
    expect(await checkRecords(dir)).toEqual(['s1']);
  });

  it('a moderation refusal is not retried: the fallback model makes the image', async () => {
    const dir = await oneShot('retries: 3, fallback: ["imagerouter:test/test"]');
    fake.behaviour.fail = { status: 400, code: 'moderation_blocked', message: 'Your request was rejected by the safety system.', pathIncludes: '/v1/images/' };
    const o = await build(dir);
    expect(o.code, o.stderr).toBe(0);
    expect(o.retries).toEqual([]);
    expect(o.fallbacks).toEqual([expect.objectContaining({
      from: 'gpt-image-2', to: 'imagerouter:test/test', error: expect.stringMatching(/the prompt was refused by OpenAI's moderation/),
    })]);
    expect(fake.calls().map((c) => c.path)).toEqual(['/v1/images/generations', '/v1/openai/images/generations']);
    expect(await readJson(join(dir, 'metadata/s1.json'))).toMatchObject({ provider: 'imagerouter', model: 'imagerouter:test/test' });
  });
});
