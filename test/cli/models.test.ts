// The model table's lifecycle (SPEC section 10): a retired model is refused before anything is
// sent, naming its replacement; a shutdown ahead is a warning; `aivp models` lists it all.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai-server.js';
import { expectNoStack, fakeEnv } from '../integration/helpers.js';
import { checkModel } from '../../src/project/models-check.js';
import { lookupModel, modelStatus } from '../../src/providers/models.js';
import type { Diagnostic } from '../../src/base/errors.js';
import { tempProject } from '../support/project.js';
import { runCli } from './helpers.js';

describe('model lifecycle', () => {
  it('derives the status from the shutdown date against the day given', () => {
    const gpt1 = lookupModel('gpt-image-1', 'image')!.info;
    expect(modelStatus(gpt1, '2026-09-01')).toBe('deprecated');
    expect(modelStatus(gpt1, '2026-10-23')).toBe('retired');
    expect(modelStatus(lookupModel('gpt-image-2', 'image')!.info, '2026-12-03')).toBe('ga');
    // Said retired without a date (removed from the API): retired whatever the day.
    expect(modelStatus(lookupModel('dall-e-3', 'image')!.info, '2020-01-01')).toBe('retired');
  });

  it('warns, with the date and the replacement, about a model whose shutdown is ahead', () => {
    const warnings: string[][] = [];
    const errors: string[] = [];
    const report = {
      error: (_: unknown, message: string) => errors.push(message),
      warn: (_: unknown, message: string, where?: { hint?: string }) => warnings.push([message, where?.hint ?? '']),
    } as never;
    checkModel('gpt-image-1', 'image', ['shots', 'a', 'model'], report, '2026-09-01');
    expect(errors).toEqual([]);
    expect(warnings).toEqual([[expect.stringContaining('`gpt-image-1` is deprecated and shuts down on 2026-10-23'), 'use `gpt-image-2` instead']]);
    checkModel('gpt-image-1', 'image', ['shots', 'a', 'model'], report, '2026-10-24');
    expect(errors).toEqual([expect.stringContaining('`gpt-image-1` was shut down by its provider on 2026-10-23')]);
  });
});

describe('a retired model (built CLI)', () => {
  let fake: FakeOpenAI;
  beforeEach(async () => {
    fake = await startFakeOpenAI();
  });
  afterEach(() => fake.close());

  it('is refused at its line with its replacement: exit 2, nothing sent, nothing written', async () => {
    const dir = await tempProject('aivp: 1\nshots:\n  a: { prompt: "a lighthouse", model: gpt-image-1 }\n');
    const env = fakeEnv(undefined, undefined, { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.openaiUrl });
    const r = await runCli(['-C', dir, 'build'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('aivp.project.yaml:3:39: model `gpt-image-1` was shut down by its provider on 2026-10-23');
    expect(r.stderr).toContain('hint: use `gpt-image-2` instead');
    expectNoStack(r.stderr);
    expect(fake.requests).toHaveLength(0);
    expect(existsSync(join(dir, 'metadata'))).toBe(false);
  });
});

describe('aivp models (built CLI)', () => {
  const lines = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

  it('prints one JSON object per line with what each model takes, its price and its status', async () => {
    const r = await runCli(['models', '--json']);
    expect(r.code).toBe(0);
    const rows = lines(r.stdout);
    expect(rows.length).toBeGreaterThan(40);
    expect(rows.find((m) => m.id === 'veo-3.1-generate-001')).toEqual({
      id: 'veo-3.1-generate-001', provider: 'google', media: 'video', task: 'flf2v', aspectRatios: ['16:9', '9:16'],
      durations: [4, 6, 8], defaultDuration: 8, lastFrame: true, price: { per_second: 0.4 },
      priceSource: "Google's pricing as noted in PROVIDERS.md (unverified), 2026-12", status: 'ga',
    });
    // Every price says where it was read, and when.
    expect(rows.filter((m) => typeof m.priceSource !== 'string' || !/20\d\d-\d\d/.test(m.priceSource)).map((m) => m.id)).toEqual([]);
    expect(rows.find((m) => m.id === 'fal-ai/ltx-2.3/image-to-video')?.priceSource).toBe('fal.ai/models/<id>, read 2026-12-03');
    expect(rows.find((m) => m.id === 'gemini-2.5-flash-image')).toMatchObject({
      status: 'retired', shutdown: '2026-10-02', replacement: 'gemini-3.1-flash-image', source: expect.stringContaining('ai.google.dev'),
    });
    expect(rows.find((m) => m.id === 'stability:ultra')).toMatchObject({ provider: 'stability', media: 'image', task: 't2i' });
    expect(rows.some((m) => m.provider === 'draft' || m.provider === 'film')).toBe(false);
  });

  it('filters by provider, media and task, and refuses an unknown provider with exit 2', async () => {
    const video = lines((await runCli(['models', '--json', '--provider', 'fal', '--media', 'video', '--task', 'flf2v'])).stdout);
    expect(video.length).toBeGreaterThan(5);
    expect(video.every((m) => m.provider === 'fal' && m.media === 'video' && m.task === 'flf2v' && m.lastFrame === true)).toBe(true);
    expect(video.map((m) => m.id)).toContain('fal-ai/bytedance/seedance/v1/pro/image-to-video');
    const text = await runCli(['models', '--provider', 'openai']);
    expect(text.stdout.split('\n')[0]).toMatch(/^MODEL +PROVIDER +TASK +TAKES +PRICE +STATUS$/);
    expect(text.stdout).toMatch(/^gpt-image-1 +openai .*retired 2026-10-23 -> gpt-image-2$/m);
    const bad = await runCli(['models', '--provider', 'gogle']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown provider `gogle`');
    expect(bad.stderr).toContain('did you mean `google`?');
    expect((await runCli(['models', '--media', 'audio'])).code).toBe(2);
  });
});
