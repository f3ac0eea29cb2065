// A real project with fal and Google models, built by the CLI binary against both fake servers
// through the real SDKs.
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { events, runCli } from '../cli/helpers.js';
import { startFakeFal, type FakeFal } from '../fakes/fal-server.js';
import { startFakeGoogle, type FakeGoogle } from '../fakes/google-server.js';
import { makeImage } from '../support/images.js';
import { readJson, tempProject } from '../support/project.js';
import { allFiles, checkRecords, expectNoStack, FAKE_MP4, fakeEnv, filesContaining, GEMINI_KEY, sha256 } from './helpers.js';

export const MIXED_PROJECT = `aivp: 1
name: mixed
defaults:
  image: { model: fal-ai/nano-banana-pro/edit, size: landscape }
  video: { model: fal-ai/kling-video/v2.5-turbo/pro/image-to-video, duration: 5 }
references:
  hero: { prompt: "Character sheet, explorer", model: fal-ai/flux/dev, size: square, seed: 7 }
  mentor: { file: refs/mentor.png }
shots:
  s1: { prompt: "On the cliff", refs: [hero, mentor], seed: 11 }
  s2: { prompt: "She turns", input: s1, refs: [mentor] }
  g1: { prompt: "Gemini close-up", model: gemini-3.1-flash-image, refs: [mentor], size: "16:9" }
segments:
  seg_kling: { keyframes: [s1, s2], prompt: "Push in" }
  seg_veo30: { keyframes: [s2, g1], model: veo-3.1-fast-generate-001, duration: 8 }
  seg_veo31: { keyframes: [s1, g1], model: veo-3.1-generate-001, duration: 6 }
`;

const NODES = ['g1', 'hero', 's1', 's2', 'seg_kling', 'seg_veo30', 'seg_veo31'];

let fal: FakeFal;
let google: FakeGoogle;
beforeEach(async () => {
  fal = await startFakeFal({ videoBytes: FAKE_MP4 });
  google = await startFakeGoogle({ pollsUntilDone: 2 });
});
afterEach(async () => {
  await Promise.all([fal.close(), google.close()]);
});

async function mixedProject(): Promise<string> {
  return tempProject(MIXED_PROJECT, { 'refs/mentor.png': await makeImage({ seed: 'mentor', width: 300, height: 200 }) });
}

const doneOf = (stdout: string) => events(stdout).find((e) => e.type === 'build:done')?.summary;

describe('a fal + Google project built by the CLI against the fakes', () => {
  it('submits each node once, then nothing; records carry seed, request id and cost but no key', async () => {
    const dir = await mixedProject();
    const env = fakeEnv(fal, google);
    const first = await runCli(['-C', dir, 'build', '--json'], { env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(doneOf(first.stdout)).toMatchObject({ built: 7, failed: 0 });

    // Each fal node submitted once, each Google node called once.
    expect(fal.submits().map((s) => s.model).sort()).toEqual([
      'fal-ai/flux/dev', 'fal-ai/kling-video/v2.5-turbo/pro/image-to-video', 'fal-ai/nano-banana-pro/edit', 'fal-ai/nano-banana-pro/edit',
    ]);
    expect(google.count(':generateContent')).toBe(1);
    expect(google.count(':predictLongRunning')).toBe(2);

    // The local reference went up once; generated fal outputs were passed on by URL.
    expect(fal.uploads).toHaveLength(1);
    const s1 = fal.submits('fal-ai/nano-banana-pro/edit').find((s) => s.input.prompt === 'On the cliff')!;
    expect(s1.input.image_urls).toEqual([expect.stringContaining('/files/out/'), fal.uploads[0].url]);
    const uploads = await readJson(join(dir, '.aivp/uploads.json'));
    expect(Object.keys(uploads).length).toBeGreaterThanOrEqual(1);

    // Veo 3.1 (and its fast variant): the first and the last keyframe, with the duration stated.
    const veo = google.requests.filter((r) => r.path.endsWith(':predictLongRunning'));
    expect(veo.map((r) => r.path.match(/models\/([\w.-]+):/)![1]).sort()).toEqual(['veo-3.1-fast-generate-001', 'veo-3.1-generate-001']);
    for (const { body } of veo) {
      const [instance] = body.instances;
      expect(instance.image.bytesBase64Encoded).toBeTruthy();
      expect(instance.lastFrame.bytesBase64Encoded).toBeTruthy();
      expect(instance.lastFrame.bytesBase64Encoded).not.toBe(instance.image.bytesBase64Encoded);
    }

    expect(await checkRecords(dir)).toEqual(NODES);
    for (const node of NODES) {
      const rec = await readJson(join(dir, 'metadata', `${node}.json`));
      expect(rec.requestId, `${node} request id`).toEqual(expect.any(String));
      expect(rec.costUsd, `${node} cost`).toBeGreaterThan(0);
      if (rec.kind !== 'segment') expect(rec.seed, `${node} seed`).toEqual(expect.any(Number));
    }
    expect((await readJson(join(dir, 'metadata/hero.json'))).seed).toBe(7);
    expect((await readJson(join(dir, 'metadata/seg_veo30.json'))).requestId).toMatch(/^models\/veo-3\.1-fast-generate-001\/operations\//);
    expect((await readdir(join(dir, 'segments'))).sort()).toEqual(['seg_kling.mp4', 'seg_veo30.mp4', 'seg_veo31.mp4']);

    const second = await runCli(['-C', dir, 'build', '--json'], { env });
    expect(second.code).toBe(0);
    expect(doneOf(second.stdout)).toMatchObject({ built: 0, cached: 0, uptodate: 7 });
    expect(fal.submits()).toHaveLength(4);
    expect(fal.uploads).toHaveLength(1);
    expect(google.count(':generateContent')).toBe(1);
    expect(google.count(':predictLongRunning')).toBe(2);

    // No key anywhere on disk (records, caches, uploads, in-flight files) or in the output.
    expect((await allFiles(dir)).some((f) => f.startsWith('.aivp/'))).toBe(true);
    expect(await filesContaining(dir, [fal.key, GEMINI_KEY])).toEqual([]);
    for (const text of [first.stdout, first.stderr, second.stdout]) {
      expect(text).not.toContain(fal.key);
      expect(text).not.toContain(GEMINI_KEY);
    }
  });

  it('a local image is uploaded once across builds, and again after its URL expires', async () => {
    const dir = await mixedProject();
    const env = fakeEnv(fal, google);
    expect((await runCli(['-C', dir, 'build', 's1', '--json'], { env })).code).toBe(0);
    expect(fal.uploads).toHaveLength(1);
    // A prompt edit re-runs s1 with the same reference: reused from .aivp/uploads.json.
    await rewrite(dir, 'On the cliff', 'On the high cliff');
    expect((await runCli(['-C', dir, 'build', 's1', '--json'], { env })).code).toBe(0);
    expect(fal.submits('fal-ai/nano-banana-pro/edit')).toHaveLength(2);
    expect(fal.uploads).toHaveLength(1);

    // Past the reuse window the cached URL may be gone at fal: uploaded again, and the new URL sent.
    const cacheFile = join(dir, '.aivp/uploads.json');
    const cache = await readJson(cacheFile);
    const mentorSha = sha256(await readFile(join(dir, 'refs/mentor.png')));
    cache[mentorSha].uploadedAt = new Date(Date.now() - 8 * 24 * 3600 * 1000).toISOString();
    await writeFile(cacheFile, JSON.stringify(cache));
    await rewrite(dir, 'On the high cliff', 'On the highest cliff');
    expect((await runCli(['-C', dir, 'build', 's1', '--json'], { env })).code).toBe(0);
    expect(fal.uploads).toHaveLength(2);
    expect(fal.submits('fal-ai/nano-banana-pro/edit')[2].input.image_urls).toContain(fal.uploads[1].url);
    expect(Date.parse((await readJson(cacheFile))[mentorSha].uploadedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('plan --json estimates every node, and a build over budget exits 2 with nothing sent', async () => {
    const dir = await mixedProject();
    const env = fakeEnv(fal, google);
    const plan = await runCli(['-C', dir, 'plan', '--json'], { env });
    expect(plan.code).toBe(0);
    const p = JSON.parse(plan.stdout);
    const est = Object.fromEntries(p.entries.map((e: any) => [e.node, e.estimateUsd]));
    expect(est.hero).toBeCloseTo(0.025 * 1.048576, 4); // flux/dev per megapixel, square = 1024x1024
    expect(est.s1).toBeCloseTo(0.15, 6);
    expect(est.g1).toBeCloseTo(0.039, 6);
    expect(est.seg_kling).toBeCloseTo(0.35, 6);
    expect(est.seg_veo30).toBeCloseTo(1.2, 6);
    expect(est.seg_veo31).toBeCloseTo(2.4, 6);
    expect(p.estimateUsd).toBeCloseTo(Object.values(est).reduce((a: number, b) => a + (b as number), 0), 4);
    expect(p.unpriced).toEqual([]);

    const r = await runCli(['-C', dir, 'build', '--budget', '1'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/exceeds the budget of \$1/);
    expectNoStack(r.stderr);
    expect(fal.requests).toHaveLength(0);
    expect(google.requests).toHaveLength(0);
    expect(existsSync(join(dir, 'metadata'))).toBe(false);
  });
});

async function rewrite(dir: string, from: string, to: string): Promise<void> {
  const file = join(dir, 'aivp.project.yaml');
  await writeFile(file, (await readFile(file, 'utf8')).replace(from, to));
}
