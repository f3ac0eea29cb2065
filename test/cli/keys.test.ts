// One missing key does not block the rest: with --keep-going everything whose provider has
// credentials is built and the rest is reported as skipped for a missing key; without it the build
// refuses up front, naming the key and the nodes that need it. `plan` says which key is missing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeFal, type FakeFal } from '../fakes/fal-server.js';
import { expectNoStack, fakeEnv } from '../integration/helpers.js';
import { tempProject } from '../support/project.js';
import { cleanEnv, events, runCli } from './helpers.js';

let fal: FakeFal;
beforeEach(async () => {
  fal = await startFakeFal();
});
afterEach(() => fal.close());

const PROJECT = `aivp: 1
name: keys
defaults:
  image: { model: fal-ai/flux/dev, size: 320x240 }
shots:
  a: { prompt: "first" }
  b: { prompt: "second" }
  g: { prompt: "gemini", model: gemini-3.1-flash-image, input: a }
segments:
  veo: { keyframes: [b], model: veo-3.1-generate-001, duration: 8 }
  after: { keyframes: [g], model: fal-ai/kling-video/v2.5-turbo/pro/image-to-video }
`;

describe('missing keys (built CLI)', () => {
  it('with --keep-going builds what has credentials and skips the rest for the missing key', async () => {
    const dir = await tempProject(PROJECT);
    const r = await runCli(['-C', dir, 'build', '--keep-going', '--json'], { env: fakeEnv(fal) });
    expectNoStack(r.stderr);
    expect(r.code).toBe(1);
    const ev = events(r.stdout);
    const skipped = Object.fromEntries(ev.filter((e) => e.type === 'node:skipped').map((e) => [e.node, e.reason]));
    expect(Object.keys(skipped).sort()).toEqual(['after', 'g', 'veo']);
    expect(skipped.veo).toMatch(/^missing key: .*GEMINI_API_KEY/);
    expect(skipped.g).toMatch(/^missing key: .*GEMINI_API_KEY/);
    expect(skipped.after).toBe('g was skipped');
    expect(ev.find((e) => e.type === 'build:done').summary).toMatchObject({ built: 2, failed: 0, skipped: 3 });
    expect(fal.submits('fal-ai/flux/dev')).toHaveLength(2);
  });

  it('with --keep-going reports a node once when it lacks a key and is downstream of one that does', async () => {
    const dir = await tempProject(PROJECT.replace('segments:', '  g2: { prompt: "gemini again", model: gemini-3.1-flash-image, input: g }\nsegments:'));
    const r = await runCli(['-C', dir, 'build', '--keep-going', '--json'], { env: fakeEnv(fal) });
    const skipped = events(r.stdout).filter((e) => e.type === 'node:skipped').map((e) => e.node);
    expect(skipped.sort()).toEqual(['after', 'g', 'g2', 'veo']);
    expect(events(r.stdout).find((e) => e.type === 'build:done').summary).toMatchObject({ built: 2, skipped: 4 });
  });

  it('without --keep-going refuses up front, naming the key and who needs it', async () => {
    const dir = await tempProject(PROJECT);
    const r = await runCli(['-C', dir, 'build'], { env: fakeEnv(fal) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/GEMINI_API_KEY.*\(needed by g, veo\)/);
    expect(r.stderr).toContain('--keep-going');
    expect(fal.requests).toHaveLength(0);
  });

  it('plan says which key is missing and for which nodes', async () => {
    const dir = await tempProject(PROJECT);
    const r = await runCli(['-C', dir, 'plan'], { env: cleanEnv() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^missing key: fal\.ai models need FAL_KEY.*\(needed by a, b, after\)$/m);
    expect(r.stdout).toMatch(/^missing key: Google models need GEMINI_API_KEY.*\(needed by g, veo\)$/m);
    const json = JSON.parse((await runCli(['-C', dir, 'plan', '--json'], { env: fakeEnv(fal) })).stdout);
    expect(json.missingKeys).toEqual([{ provider: 'google', message: expect.stringContaining('GEMINI_API_KEY'), nodes: ['g', 'veo'] }]);
  });
});
