// A project on Stability models built by the CLI binary against the fake Stable Image v2beta:
// outputs and seeds recorded, nothing called again on a rebuild, a 500 ridden out by a retry and
// a filtered result falling back to another model. Needs `npm run build` first.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { events, runCli } from '../cli/helpers.js';
import { startFakeStability, type FakeStability } from '../fakes/stability-server.js';
import { readJson, tempProject } from '../support/project.js';
import { checkRecords, expectNoStack, fakeEnv, filesContaining, sha256 } from './helpers.js';

let fake: FakeStability;
beforeEach(async () => {
  fake = await startFakeStability();
});
afterEach(async () => {
  await fake.close();
});

/** `hero` on core from text; `s1` on sd3.5-large from hero (image to image); `extra` is YAML flow fields for s1. */
function stabilityProject(extra = ''): Promise<string> {
  return tempProject(`aivp: 1
name: stability
references:
  hero: { prompt: "Character sheet, \\"explorer\\"", model: stability:core, size: portrait }
shots:
  s1: { prompt: "She turns", model: stability:sd3.5-large, input: hero, seed: 11, params: { strength: 0.4, negative_prompt: blurry }${extra ? `, ${extra}` : ''} }
`);
}

async function build(dir: string) {
  const r = await runCli(['-C', dir, 'build', '--json'], {
    env: fakeEnv(undefined, undefined, { STABILITY_API_KEY: fake.key, STABILITY_BASE_URL: fake.url }),
  });
  expectNoStack(r.stdout + r.stderr);
  expect(r.stdout + r.stderr).not.toContain(fake.key);
  expect(await filesContaining(dir, [fake.key])).toEqual([]);
  const evs = events(r.stdout);
  return {
    ...r,
    summary: evs.find((e) => e.type === 'build:done')?.summary,
    retries: evs.filter((e) => e.type === 'node:retry'),
    fallbacks: evs.filter((e) => e.type === 'node:fallback'),
  };
}

describe('a Stability project built by the CLI against the fake', () => {
  it('calls each node once and records outputs with their seeds; a rebuild calls nothing', async () => {
    const dir = await stabilityProject();
    const first = await build(dir);
    expect(first.code, first.stderr).toBe(0);
    expect(first.summary).toMatchObject({ built: 2, failed: 0 });
    expect(fake.requests.map((r) => r.endpoint)).toEqual(['core', 'sd3']);

    const [core, sd3] = fake.requests;
    expect(core.fields).toMatchObject({ prompt: 'Character sheet, "explorer"', aspect_ratio: '4:5', output_format: 'png' });
    expect(sd3.fields).toMatchObject({
      prompt: 'She turns', model: 'sd3.5-large', mode: 'image-to-image', strength: '0.4', negative_prompt: 'blurry', seed: '11',
    });

    const hero = await readJson(join(dir, 'metadata/hero.json'));
    const s1 = await readJson(join(dir, 'metadata/s1.json'));
    // hero had no seed: the one chosen and sent is recorded, so the image can be made again.
    expect(hero).toMatchObject({ provider: 'stability', model: 'stability:core', seed: Number(core.fields.seed) });
    expect(s1).toMatchObject({ provider: 'stability', model: 'stability:sd3.5-large', seed: 11, seedRequested: 11 });
    // s1's input is hero's output, sent as the image part.
    const heroBytes = await readFile(join(dir, hero.outputs[0].path));
    expect(sha256(sd3.files.image.bytes)).toBe(sha256(heroBytes));
    expect(hero.outputs[0]).toMatchObject({ path: 'references/hero.png', mediaType: 'image/png', width: 64, height: 80 });
    expect((await sharp(join(dir, s1.outputs[0].path)).metadata()).format).toBe('png');
    expect(await checkRecords(dir)).toEqual(['hero', 's1']);

    const again = await build(dir);
    expect(again.code, again.stderr).toBe(0);
    expect(again.summary).toMatchObject({ built: 0, failed: 0 });
    expect(fake.requests).toHaveLength(2);
  });

  it('a 500 is retried and then succeeds', async () => {
    const dir = await stabilityProject();
    fake.fail({ status: 500, endpoint: 'core', errors: ['Internal error, please retry'] });
    const o = await build(dir);
    expect(o.code, o.stderr).toBe(0);
    expect(o.retries).toEqual([expect.objectContaining({ node: 'hero', attempt: 1, error: 'Stability answered HTTP 500 (server_error): Internal error, please retry' })]);
    expect(fake.requests.map((r) => r.endpoint)).toEqual(['core', 'core', 'sd3']);
    expect(await checkRecords(dir)).toEqual(['hero', 's1']);
  });

  it('a CONTENT_FILTERED result falls back to the next model without retrying', async () => {
    const dir = await stabilityProject('fallback: [stability:sd3.5-medium]');
    fake.fail({ answer: 'filtered', model: 'sd3.5-large', times: 10 });
    const o = await build(dir);
    expect(o.code, o.stderr).toBe(0);
    expect(o.retries).toEqual([]);
    expect(o.fallbacks).toEqual([expect.objectContaining({
      node: 's1', from: 'stability:sd3.5-large', to: 'stability:sd3.5-medium', error: expect.stringMatching(/CONTENT_FILTERED/),
    })]);
    expect(fake.requests.map((r) => r.fields.model)).toEqual([undefined, 'sd3.5-large', 'sd3.5-medium']);
    expect(await readJson(join(dir, 'metadata/s1.json'))).toMatchObject({ model: 'stability:sd3.5-medium', seed: 11 });
  });

  it('without STABILITY_API_KEY the build stops before any call, naming the key', async () => {
    const dir = await stabilityProject();
    const r = await runCli(['-C', dir, 'build'], { env: fakeEnv(undefined, undefined, { STABILITY_API_KEY: '', STABILITY_BASE_URL: fake.url }) });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Stability models need STABILITY_API_KEY');
    expect(fake.requests).toHaveLength(0);
  });
});
