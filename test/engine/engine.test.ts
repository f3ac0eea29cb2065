import { existsSync } from 'node:fs';
import { readFile, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/providers/types.js';
import { makeImage } from '../support/images.js';
import { readJson, tempProject } from '../support/project.js';
import { until, untilPastRacyWindow } from '../support/wait.js';
import { build, scriptedProvider } from './helpers.js';

const PROJECT = `aivp: 1
name: t
vars:
  look: "golden hour"
defaults:
  image: { model: fal-ai/flux/dev, size: landscape }
references:
  hero:
    prompt: "hero sheet, \${look}"
style:
  prompt: "stormy cliffs"
shots:
  s1:
    prompt: "woman on a cliff, \${look}"
    refs: [hero, style]
    seed: 1
  s2:
    prompt: "she turns"
    input: s1
  s3:
    prompt: "close up"
    input: s2
segments:
  seg:
    keyframes: [s1, s2]
    model: fal-ai/kling-video/v2.5-turbo/pro/image-to-video
    prompt: "push in"
`;

const project = (yaml = PROJECT, files?: Record<string, Buffer>) => tempProject(yaml, files);
const called = (p: ReturnType<typeof scriptedProvider>) => p.calls.map((c) => c.node).sort();

describe('incremental builds', () => {
  it('calls every node once, then nothing on a rebuild', async () => {
    const dir = await project();
    const p = scriptedProvider();
    const first = await build(dir, p);
    expect(called(p)).toEqual(['hero', 's1', 's2', 's3', 'seg', 'style']);
    expect(first.summary).toMatchObject({ built: 6, failed: 0 });
    const rec = await readJson(join(dir, 'metadata/s1.json'));
    expect(rec).toMatchObject({ node: 's1', seed: 1, seedRequested: 1, model: 'fal-ai/flux/dev', prompt: 'woman on a cliff, golden hour' });
    expect(rec.outputs[0].path).toBe('keyframes/s1.png');
    const hero = await readJson(join(dir, 'metadata/hero.json'));
    expect(hero.seed).toBe(42);
    expect(hero.seedRequested).toBeUndefined();
    expect(await readdir(join(dir, 'references'))).toEqual(['hero.png', 'style_frame.png']);

    const p2 = scriptedProvider();
    const second = await build(dir, p2);
    expect(p2.calls).toHaveLength(0);
    expect(second.summary).toMatchObject({ built: 0, cached: 0, uptodate: 6 });
    expect(second.plan.entries.every((e) => e.status === 'uptodate')).toBe(true);
  });

  it('checks an up-to-date project without hashing a byte once the stat cache is warm', async () => {
    const dir = await project();
    await build(dir, scriptedProvider());
    // Files written within the racy window are re-hashed once, as git does.
    await untilPastRacyWindow(dir);
    const warm = await build(dir, scriptedProvider());
    expect(warm.hashedBytes).toBeGreaterThan(0);
    const noop = await build(dir, scriptedProvider());
    expect(noop.summary.uptodate).toBe(6);
    expect(noop.hashedBytes).toBe(0);
  });

  it('rebuilds exactly the edited node and its dependents, and a revert restores from the cache for free', async () => {
    const dir = await project();
    await build(dir, scriptedProvider());
    const before = await readFile(join(dir, 'keyframes/s2.png'));

    await writeFile(join(dir, 'aivp.project.yaml'), PROJECT.replace('she turns', 'she turns around'));
    const p = scriptedProvider();
    const r = await build(dir, p);
    expect(r.plan.entries.find((e) => e.node === 's2')!.reasons).toEqual(['prompt changed']);
    expect(r.plan.entries.find((e) => e.node === 's3')!.reasons).toEqual(['input s2 will be rebuilt']);
    expect(called(p)).toEqual(['s2', 's3', 'seg']);
    expect(await readFile(join(dir, 'keyframes/s2.png'))).not.toEqual(before);

    await writeFile(join(dir, 'aivp.project.yaml'), PROJECT);
    const p2 = scriptedProvider();
    const revert = await build(dir, p2);
    expect(p2.calls).toHaveLength(0);
    expect(revert.summary).toMatchObject({ built: 0, cached: 3, spentUsd: 0 });
    expect(await readFile(join(dir, 'keyframes/s2.png'))).toEqual(before);
  });

  it('editing a ${var} rebuilds exactly the nodes that use it and their dependents', async () => {
    const dir = await project();
    await build(dir, scriptedProvider());
    await writeFile(join(dir, 'aivp.project.yaml'), PROJECT.replace('"golden hour"', '"blue hour"'));
    const p = scriptedProvider();
    await build(dir, p);
    expect(called(p)).toEqual(['hero', 's1', 's2', 's3', 'seg']);
  });

  it('names every reason a recorded node is stale', async () => {
    const dir = await project(PROJECT, { 'refs/mentor.png': await makeImage({ seed: 'm1' }) });
    await build(dir, scriptedProvider());
    const reasonsAfter = async (yaml: string) => {
      await writeFile(join(dir, 'aivp.project.yaml'), yaml);
      const r = await build(dir, scriptedProvider());
      await writeFile(join(dir, 'aivp.project.yaml'), PROJECT);
      await build(dir, scriptedProvider());
      return r.plan.entries.find((e) => e.node === 's1')!.reasons;
    };
    expect(await reasonsAfter(PROJECT.replace('seed: 1', 'seed: 2'))).toEqual(['seed changed']);
    expect(await reasonsAfter(PROJECT.replace('    seed: 1', '    seed: 1\n    model: fal-ai/flux/schnell'))).toEqual(['model changed']);
    expect(await reasonsAfter(PROJECT.replace('    seed: 1', '    seed: 1\n    size: square'))).toEqual(['params changed']);
    expect(await reasonsAfter(PROJECT.replace('    seed: 1', '    seed: 1\n    params: { guidance_scale: 2 }'))).toEqual(['params changed']);
    expect(await reasonsAfter(PROJECT.replace('refs: [hero, style]', 'refs: [hero]'))).toEqual(['input style removed']);
    const { rm } = await import('node:fs/promises');
    await rm(join(dir, 'metadata/s1.json'));
    expect((await build(dir, scriptedProvider())).plan.entries.find((e) => e.node === 's1')!.status).toBe('cached');
  });

  it('an unseeded node keeps the seed its record holds across a prompt edit, and the seed stays out of the key', async () => {
    const dir = await project();
    const p = scriptedProvider();
    const sent: (number | undefined)[] = [];
    p.script = async (req) => {
      if (req.node !== 'hero') return undefined;
      sent.push(req.seed);
      return { files: [{ bytes: await makeImage({ seed: `${req.prompt}` }) }], seed: req.seed ?? 777, costUsd: 0.01 };
    };
    await build(dir, p);
    const file = join(dir, 'aivp.project.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('hero sheet', 'hero turnaround'));
    await build(dir, p);
    expect(sent).toEqual([undefined, 777]);
    expect(await readJson(join(dir, 'metadata/hero.json'))).toMatchObject({ seed: 777, prompt: 'hero turnaround, golden hour' });
    expect((await readJson(join(dir, 'metadata/hero.json'))).seedRequested).toBeUndefined();
  });

  it('renaming a shot costs nothing', async () => {
    const dir = await project();
    await build(dir, scriptedProvider());
    const renamed = PROJECT.replace('  s3:\n', '  s3_close:\n');
    await writeFile(join(dir, 'aivp.project.yaml'), renamed);
    const p = scriptedProvider();
    const r = await build(dir, p);
    expect(p.calls).toHaveLength(0);
    expect(r.summary.cached).toBe(1);
    expect(await readFile(join(dir, 'keyframes/s3_close.png'))).toEqual(await readFile(join(dir, 'keyframes/s3.png')));
  });

  it('stops at an upstream regenerated to identical bytes (early cutoff)', async () => {
    const dir = await project();
    const p = scriptedProvider();
    p.script = async (req) => (req.node === 's1' ? { files: [{ bytes: await makeImage({ seed: 'fixed' }) }] } : undefined);
    await build(dir, p);
    await writeFile(join(dir, 'aivp.project.yaml'), PROJECT.replace('woman on a cliff', 'a woman on a cliff'));
    const p2 = scriptedProvider();
    p2.script = p.script;
    await build(dir, p2);
    expect(called(p2)).toEqual(['s1']);
  });

  it('keeps a hand-edited output, feeds it downstream, and --force saves the old bytes to the cache first', async () => {
    const dir = await project();
    await build(dir, scriptedProvider());
    const edited = await makeImage({ seed: 'my own paint-over' });
    await writeFile(join(dir, 'keyframes/s2.png'), edited);
    const p = scriptedProvider();
    const r = await build(dir, p);
    expect(r.plan.entries.find((e) => e.node === 's2')!.status).toBe('modified');
    expect(called(p)).toEqual(['s3', 'seg']);
    expect(await readFile(join(dir, 'keyframes/s2.png'))).toEqual(edited);
    const s3 = await readJson(join(dir, 'metadata/s3.json'));
    expect(s3.inputs[0]).toMatchObject({ name: 's2' });

    const p2 = scriptedProvider();
    await build(dir, p2, { force: ['s2'] });
    expect(called(p2)).toContain('s2');
    expect(await readFile(join(dir, 'keyframes/s2.png'))).not.toEqual(edited);
    const blobs = await readdir(join(dir, '.aivp/cache/blobs'), { recursive: true });
    const { createHash } = await import('node:crypto');
    const sha = createHash('sha256').update(edited).digest('hex');
    expect(blobs.some((b) => String(b).endsWith(sha))).toBe(true);
  });

  it('recognises an output written by a build killed before its record, instead of calling it hand-edited', async () => {
    const dir = await project();
    await build(dir, scriptedProvider());
    const oldRecord = await readFile(join(dir, 'metadata/s3.json'));
    await writeFile(join(dir, 'aivp.project.yaml'), PROJECT.replace('close up', 'extreme close up'));
    await build(dir, scriptedProvider());
    // The kill: new output in place, old record still on disk.
    await writeFile(join(dir, 'metadata/s3.json'), oldRecord);
    const p = scriptedProvider();
    const r = await build(dir, p);
    expect(r.plan.entries.find((e) => e.node === 's3')).toMatchObject({ status: 'cached', reasons: ['output matches the cache: record restored'] });
    expect(p.calls).toHaveLength(0);
    expect((await readJson(join(dir, 'metadata/s3.json'))).prompt).toBe('extreme close up');
  });

  it('restores a deleted output from the cache without paying', async () => {
    const dir = await project();
    await build(dir, scriptedProvider());
    const bytes = await readFile(join(dir, 'keyframes/s1.png'));
    const { rm } = await import('node:fs/promises');
    await rm(join(dir, 'keyframes/s1.png'));
    const p = scriptedProvider();
    const r = await build(dir, p);
    expect(p.calls).toHaveLength(0);
    expect(r.plan.entries.find((e) => e.node === 's1')!.reasons).toEqual(['output missing: restored from the cache']);
    expect(await readFile(join(dir, 'keyframes/s1.png'))).toEqual(bytes);
  });
});

describe('num_images and pick', () => {
  it('writes every take and feeds the picked one downstream', async () => {
    const yaml = `aivp: 1
references:
  hero: { prompt: "sheet", model: fal-ai/flux/dev, num_images: 3, pick: 2 }
shots:
  s1: { prompt: "scene", refs: [hero], model: fal-ai/flux/dev }
`;
    const dir = await project(yaml);
    const p = scriptedProvider();
    await build(dir, p);
    expect(await readdir(join(dir, 'references'))).toEqual(['hero_1.png', 'hero_2.png', 'hero_3.png']);
    const hero = await readJson(join(dir, 'metadata/hero.json'));
    const s1 = p.calls.find((c) => c.node === 's1')!;
    expect(s1.inputs).toEqual([hero.outputs[1].sha256]);
  });
});

describe('scheduling', () => {
  const SIX = `aivp: 1
providers: { fal: { concurrency: 2 } }
defaults:
  image: { model: fal-ai/flux/dev }
shots:
${[1, 2, 3, 4, 5, 6].map((i) => `  s${i}: { prompt: "shot ${i}" }`).join('\n')}
`;
  async function maxInFlight(opts: { jobs?: number }) {
    const dir = await project(SIX);
    const p = scriptedProvider();
    let now = 0;
    let max = 0;
    p.script = async () => {
      max = Math.max(max, ++now);
      // A request that takes a while, so every one the scheduler lets start overlaps the others
      // (one it holds back is an absence: there is no event to wait for).
      await new Promise((r) => setTimeout(r, 30));
      now--;
      return undefined;
    };
    await build(dir, p, opts);
    expect(p.calls).toHaveLength(6);
    return max;
  }

  it('keeps at most `concurrency` requests in flight per provider, and at most -j overall', async () => {
    expect(await maxInFlight({})).toBe(2);
    expect(await maxInFlight({ jobs: 1 })).toBe(1);
  });

  it('frees the provider slot once the bytes have landed; the build still ends after the bookkeeping', async () => {
    const dir = await project(`aivp: 1
providers: { fal: { concurrency: 1 } }
shots:
  s1: { prompt: "one", model: fal-ai/flux/dev }
  s2: { prompt: "two", model: fal-ai/flux/dev }
`);
    const p = scriptedProvider();
    let secondStarted!: (node: string) => void;
    const second = new Promise<string>((r) => (secondStarted = r));
    let bookkept = false;
    p.script = async (req, _ctx, n) => {
      if (n === 2) {
        secondStarted(req.node);
        return undefined;
      }
      // The first request's bookkeeping finishes only once the second request has started: with
      // the slot held until it finished, concurrency 1 would never start the second.
      // And it lands only after the second node's record: the build must still wait for it.
      const recorded = (node: string) => until(() => existsSync(join(dir, 'metadata', `${node}.json`)), `${node} recorded`);
      const pending = second.then(recorded).then(() => void (bookkept = true));
      return { files: [{ bytes: await makeImage({ seed: `${req.prompt}` }) }], pending };
    };
    const r = await build(dir, p);
    expect(r.summary.built).toBe(2);
    expect(bookkept).toBe(true);
  });
});

describe('file: with a prompt', () => {
  it('generates into the file when it is missing, in the format its extension names, and then keeps it', async () => {
    const yaml = `aivp: 1
references:
  heroine: { file: refs/heroine.png, prompt: "woman in red", model: fal-ai/flux/dev }
`;
    const dir = await project(yaml);
    const p = scriptedProvider();
    p.script = async () => ({ files: [{ bytes: await makeImage({ width: 8, height: 8, colour: '#f00', format: 'jpeg' }) }] });
    await build(dir, p);
    const rec = await readJson(join(dir, 'metadata/heroine.json'));
    expect(rec.outputs[0]).toMatchObject({ path: 'refs/heroine.png', mediaType: 'image/png' });
    expect((await sharp(join(dir, 'refs/heroine.png')).metadata()).format).toBe('png');
    const again = scriptedProvider();
    await build(dir, again);
    expect(again.calls).toHaveLength(0);
  });

  it('uses an existing file as is', async () => {
    const yaml = `aivp: 1
references:
  heroine: { file: refs/heroine.png, prompt: "woman in red", model: fal-ai/flux/dev }
shots:
  s1: { prompt: "scene", refs: [heroine], model: fal-ai/flux/dev }
`;
    const mine = await makeImage({ seed: 'my photo' });
    const dir = await project(yaml, { 'refs/heroine.png': mine });
    const p = scriptedProvider();
    const r = await build(dir, p);
    expect(r.plan.entries.find((e) => e.node === 'heroine')!.status).toBe('source');
    expect(called(p)).toEqual(['s1']);
    expect(await readFile(join(dir, 'refs/heroine.png'))).toEqual(mine);
  });
});

describe('failures', () => {
  it('retries retryable errors, then falls back, then fails only that node with --keep-going', async () => {
    const yaml = `aivp: 1
defaults:
  image: { model: fal-ai/flux/dev, retries: 2 }
shots:
  a: { prompt: "a", fallback: [fal-ai/flux/schnell] }
  b: { prompt: "b", input: a }
  c: { prompt: "c" }
  d: { prompt: "d" }
`;
    const dir = await project(yaml);
    const p = scriptedProvider();
    p.script = async (req) => {
      if (req.node === 'a' && req.model.id === 'fal-ai/flux/dev') throw new ProviderError('HTTP 429', { retryable: true, status: 429, retryAfterMs: 1 });
      if (req.node === 'c') throw new ProviderError('422 input.prompt: bad', { retryable: false, status: 422 });
      return undefined;
    };
    const r = await build(dir, p, { keepGoing: true });
    expect(p.calls.filter((c) => c.node === 'a').map((c) => c.model)).toEqual([
      'fal-ai/flux/dev', 'fal-ai/flux/dev', 'fal-ai/flux/dev', 'fal-ai/flux/schnell',
    ]);
    expect(p.calls.filter((c) => c.node === 'c')).toHaveLength(1);
    expect(r.summary).toMatchObject({ built: 3, failed: 1 });
    expect(r.events.some((e) => e.type === 'node:fallback' && e.node === 'a')).toBe(true);
    const a = await readJson(join(dir, 'metadata/a.json'));
    expect(a.model).toBe('fal-ai/flux/schnell');

    // The fallback result is kept: a rebuild pays nothing for it.
    const p2 = scriptedProvider();
    await build(dir, p2, { keepGoing: true });
    expect(called(p2)).toEqual(['c']);
  });

  it('without --keep-going stops starting new work after a failure', async () => {
    const yaml = `aivp: 1
defaults:
  image: { model: fal-ai/flux/dev, retries: 0 }
shots:
  a: { prompt: "a" }
  b: { prompt: "b", input: a }
`;
    const dir = await project(yaml);
    const p = scriptedProvider();
    p.script = async (req) => {
      if (req.node === 'a') throw new ProviderError('nope', { retryable: false });
      return undefined;
    };
    const r = await build(dir, p);
    expect(called(p)).toEqual(['a']);
    expect(r.summary).toMatchObject({ failed: 1, skipped: 1, built: 0 });
  });
});

describe('interruption', () => {
  it('records the request id before waiting and re-attaches to it on the next build', async () => {
    const yaml = `aivp: 1
shots:
  a: { prompt: "a", model: fal-ai/flux/dev }
`;
    const dir = await project(yaml);
    const controller = new AbortController();
    const p = scriptedProvider();
    p.script = async (_req, ctx) => {
      await ctx.onSubmitted('fal-req-123');
      controller.abort();
      if (!ctx.signal.aborted) await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
      throw new Error('aborted');
      return undefined;
    };
    const r = await build(dir, p, { signal: controller.signal });
    expect(r.summary.interrupted).toBe(true);
    const p2 = scriptedProvider();
    await build(dir, p2);
    expect(p2.calls).toEqual([expect.objectContaining({ node: 'a', resume: 'fal-req-123' })]);
    expect(await readdir(join(dir, '.aivp/inflight'))).toEqual([]);
  });

  it('never records an input edited during the generation as the input of that output', async () => {
    const yaml = `aivp: 1
references:
  mentor: { file: refs/mentor.png }
shots:
  a: { prompt: "a", model: fal-ai/flux/dev, refs: [mentor] }
`;
    const dir = await project(yaml, { 'refs/mentor.png': await makeImage({ seed: 'v1' }) });
    const p = scriptedProvider();
    p.script = async () => {
      await writeFile(join(dir, 'refs/mentor.png'), await makeImage({ seed: 'v2' }));
      return undefined;
    };
    await build(dir, p);
    const p2 = scriptedProvider();
    const r = await build(dir, p2);
    expect(r.plan.entries.find((e) => e.node === 'a')!.reasons).toEqual(['input mentor changed']);
    expect(p2.calls).toHaveLength(1);
  });
});
