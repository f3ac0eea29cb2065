// Faults injected at the fake fal, through the real SDK and the built CLI: each ends in a retry, a
// fallback or one clear node error; never a crash, a wrong image accepted or a lost record.
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeFal, type FakeFal } from '../fakes/fal-server.js';
import { startFakeGoogle, type FakeGoogle } from '../fakes/google-server.js';
import { sha256 } from '../integration/helpers.js';
import { readJson, tempProject } from '../support/project.js';
import { buildWith, expectOneNodeError } from './helpers.js';

let fal: FakeFal;
beforeEach(async () => {
  fal = await startFakeFal();
});
afterEach(async () => {
  await fal.close();
});

const FLUX = 'fal-ai/flux/dev';

/** One shot on flux/dev; `extra` is YAML flow fields appended to the shot. */
function oneShot(extra = ''): Promise<string> {
  return tempProject(`aivp: 1
shots:
  s1: { prompt: "a cliff", model: ${FLUX}, size: 64x64, seed: 1${extra ? `, ${extra}` : ''} }
`);
}

const HTML = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>oops</body></html>';

describe('rate limits and server errors', () => {
  it('a 429 storm with Retry-After: the engine waits what the server asked, then succeeds', async () => {
    const dir = await oneShot('retries: 4');
    fal.fail({ on: 'submit', status: 429, headers: { 'retry-after': '0.25' }, times: 3 });
    const o = await buildWith(dir, fal);
    expect(o.code, o.stderr).toBe(0);
    expect(o.retries.map((r) => r.delayMs)).toEqual([250, 250, 250]);
    expect(o.retries[0].error).toMatch(/HTTP 429/);
    expect(fal.submits()).toHaveLength(1);
    expect(o.recorded).toEqual(['s1']);
  });

  it('a 429 storm that outlasts the retries fails the node with one clear error and no record', async () => {
    const dir = await oneShot('retries: 2');
    fal.fail({ on: 'submit', status: 429, headers: { 'retry-after': '0.01' }, times: 100 });
    const o = await buildWith(dir, fal);
    expectOneNodeError(o, 's1', /fal answered HTTP 429/);
    expect(o.retries).toHaveLength(2);
    expect(o.recorded).toEqual([]);
    expect(existsSync(join(dir, 'keyframes'))).toBe(false);
  });

  it('then falls back to the next model', async () => {
    const dir = await oneShot('retries: 1, fallback: [fal-ai/flux/schnell]');
    fal.fail({ on: 'submit', model: FLUX, status: 503, times: 100 });
    const o = await buildWith(dir, fal);
    expect(o.code, o.stderr).toBe(0);
    expect(o.retries).toHaveLength(1);
    expect(o.fallbacks).toEqual([expect.objectContaining({ from: FLUX, to: 'fal-ai/flux/schnell' })]);
    expect((await readJson(join(dir, 'metadata/s1.json'))).model).toBe('fal-ai/flux/schnell');
  });

  it('500s on submit, the status stream, status polls and result are ridden out', async () => {
    const dir = await oneShot();
    fal.fail({ on: 'submit', status: 500, times: 2 });
    fal.fail({ on: 'stream', status: 500 });
    fal.fail({ on: 'status', status: 500, times: 2 });
    fal.fail({ on: 'result', status: 502, times: 1 });
    const o = await buildWith(dir, fal);
    expect(o.code, o.stderr).toBe(0);
    expect(o.retries).toHaveLength(2);
    expect(fal.submits()).toHaveLength(1);
    expect(o.recorded).toEqual(['s1']);
  });
});

describe('hung connections', () => {
  // The timeout is the whole attempt's budget, so the attempt after the hang needs headroom on a
  // loaded machine: 2 s, not less.
  it('a hung submit: the node timeout fires, then the retry succeeds', async () => {
    const dir = await oneShot('timeout: 2, retries: 1');
    fal.fail({ on: 'submit', hang: true });
    const o = await buildWith(dir, fal);
    expect(o.code, o.stderr).toBe(0);
    expect(o.retries).toEqual([expect.objectContaining({ error: 'timed out after 2 s' })]);
    expect(o.recorded).toEqual(['s1']);
  });

  it('a hung download: the timeout fires, then the fallback model is used', async () => {
    const dir = await oneShot('timeout: 2, retries: 0, fallback: [fal-ai/flux/schnell]');
    fal.fail({ on: 'file', hang: true });
    const o = await buildWith(dir, fal);
    expect(o.code, o.stderr).toBe(0);
    expect(o.fallbacks).toEqual([expect.objectContaining({ error: 'timed out after 2 s' })]);
    expect((await readJson(join(dir, 'metadata/s1.json'))).model).toBe('fal-ai/flux/schnell');
  });

  it('hung every time: one clear timeout error', async () => {
    const dir = await oneShot('timeout: 0.3, retries: 1');
    fal.fail({ on: 'stream', hang: true, times: 100 });
    const o = await buildWith(dir, fal);
    expectOneNodeError(o, 's1', /timed out after 0\.3 s/);
    expect(o.recorded).toEqual([]);
  });
});

describe('bad bytes', () => {
  it('a download cut off mid-body is fetched again, without submitting again', async () => {
    const dir = await oneShot();
    fal.fail({ on: 'file', truncateAt: 40 });
    const o = await buildWith(dir, fal);
    expect(o.code, o.stderr).toBe(0);
    expect(fal.submits()).toHaveLength(1);
    expect(fal.requests.filter((r) => r.route === 'file')).toHaveLength(2);
    expect(o.recorded).toEqual(['s1']);
  });

  it('a truncated PNG answered as complete is never accepted: retried, then one clear error', async () => {
    const dir = await oneShot('retries: 1');
    fal.fail({ on: 'file', raw: pngHead(), headers: { 'content-type': 'image/png' }, times: 100 });
    const o = await buildWith(dir, fal);
    expectOneNodeError(o, 's1', /truncated PNG/);
    expect(o.retries).toHaveLength(1);
    expect(o.recorded).toEqual([]);
    expect(existsSync(join(dir, 'keyframes'))).toBe(false);
  });

  it('an HTML page served as the image is never accepted', async () => {
    const dir = await oneShot('retries: 0');
    fal.fail({ on: 'file', raw: HTML, headers: { 'content-type': 'image/png' }, times: 100 });
    const o = await buildWith(dir, fal);
    expectOneNodeError(o, 's1', /not an image or video: got text\/html "<!DOCTYPE html>/);
    expect(o.recorded).toEqual([]);
    expect(existsSync(join(dir, 'keyframes'))).toBe(false);
  });

  it('an HTML page as the second of two takes leaves the earlier outputs and record untouched', async () => {
    const dir = await tempProject(`aivp: 1
shots:
  s1: { prompt: "two takes", model: ${FLUX}, size: 64x64, seed: 1, num_images: 2, retries: 0 }
`);
    expect((await buildWith(dir, fal)).code).toBe(0);
    const before = await readJson(join(dir, 'metadata/s1.json'));
    const file = join(dir, 'aivp.project.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('two takes', 'two other takes'));
    fal.fail({ on: 'file', urlIncludes: '_1.png', raw: HTML, headers: { 'content-type': 'image/png' }, times: 100 });
    const o = await buildWith(dir, fal);
    expectOneNodeError(o, 's1', /text\/html/);
    expect(await readJson(join(dir, 'metadata/s1.json'))).toEqual(before);
    for (const out of before.outputs) expect(sha256(await readFile(join(dir, out.path)))).toBe(out.sha256);
    // Not reported as hand-edited on the next plan: nothing half-applied.
    expect(o.events.filter((e) => e.type === 'warning')).toEqual([]);
  });

  it('outputs written by a build killed before its record are recognised from the cache, not paid again', async () => {
    const dir = await oneShot();
    expect((await buildWith(dir, fal)).code).toBe(0);
    // The state a kill between the output write and the record write leaves.
    await rm(join(dir, 'metadata/s1.json'));
    const o = await buildWith(dir, fal);
    expect(o.code, o.stderr).toBe(0);
    expect(o.summary).toMatchObject({ built: 0, cached: 1 });
    expect(o.events.filter((e) => e.type === 'warning')).toEqual([]);
    expect(fal.submits()).toHaveLength(1);
    expect(o.recorded).toEqual(['s1']);
  });

  it('malformed JSON from the result endpoint is fetched again', async () => {
    const dir = await oneShot();
    fal.fail({ on: 'result', raw: '{"images": [{"url": ', times: 1 });
    const o = await buildWith(dir, fal);
    expect(o.code, o.stderr).toBe(0);
    expect(fal.submits()).toHaveLength(1);
    expect(o.recorded).toEqual(['s1']);
  });

  it('malformed JSON every time: one clear error', async () => {
    const dir = await oneShot('retries: 0');
    fal.fail({ on: 'submit', raw: '<html>not json', times: 100 });
    const o = await buildWith(dir, fal);
    expectOneNodeError(o, 's1', /fal/);
    expect(o.failed[0].error).not.toMatch(/^Unexpected token/);
    expect(o.recorded).toEqual([]);
  });
});

describe('refusals', () => {
  it('422 field errors are shown per field, not retried', async () => {
    const dir = await oneShot('retries: 3');
    fal.fail({
      on: 'submit', status: 422,
      body: { detail: [
        { loc: ['body', 'image_size'], msg: 'Input should be a valid preset', type: 'enum' },
        { loc: ['body', 'num_images'], msg: 'Input should be less than or equal to 4', type: 'less_than_equal' },
      ] },
    });
    const o = await buildWith(dir, fal);
    expectOneNodeError(o, 's1', /input\.image_size: Input should be a valid preset/);
    expect(o.failed[0].error).toMatch(/input\.num_images: Input should be less than or equal to 4/);
    expect(o.retries).toEqual([]);
    expect(o.stderr + o.stdout).toContain('input.image_size');
  });

  it('the NSFW flag is a failed generation, never an accepted (blank) image', async () => {
    const dir = await oneShot('retries: 2');
    fal.set({ nsfw: true });
    const o = await buildWith(dir, fal);
    expectOneNodeError(o, 's1', /safety checker/);
    expect(o.retries).toEqual([]);
    expect(existsSync(join(dir, 'keyframes'))).toBe(false);
  });

  it('the NSFW flag falls back to another provider', async () => {
    const google: FakeGoogle = await startFakeGoogle();
    try {
      const dir = await oneShot('fallback: [gemini-3.1-flash-image]');
      fal.set({ nsfw: true });
      const o = await buildWith(dir, fal, google);
      expect(o.code, o.stderr).toBe(0);
      expect(o.fallbacks[0].error).toMatch(/safety checker/);
      expect((await readJson(join(dir, 'metadata/s1.json'))).provider).toBe('google');
      expect(await readdir(join(dir, 'keyframes'))).toEqual(['s1.png']);
    } finally {
      await google.close();
    }
  });
});

/** The first 40 bytes of a PNG: signature and IHDR, no data, no IEND. */
function pngHead(): Buffer {
  return Buffer.from('89504e470d0a1a0a0000000d4948445200000040000000300802000000', 'hex');
}
