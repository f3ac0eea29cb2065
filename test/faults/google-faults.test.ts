// Faults injected at the fake Gemini API, through @google/genai and the built CLI.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGoogle, type FakeGoogle } from '../fakes/google-server.js';
import { startCli } from '../cli/helpers.js';
import { fakeEnv } from '../integration/helpers.js';
import { readJson, tempProject } from '../support/project.js';
import { until } from '../support/wait.js';
import { buildWith, expectOneNodeError } from './helpers.js';

let google: FakeGoogle;
beforeEach(async () => {
  google = await startFakeGoogle({ pollsUntilDone: 2 });
});
afterEach(async () => {
  await google.close();
});

function gemini(extra = ''): Promise<string> {
  return tempProject(`aivp: 1
shots:
  g1: { prompt: "a lighthouse", model: gemini-3.1-flash-image, seed: 4${extra ? `, ${extra}` : ''} }
`);
}

function veo(extra = ''): Promise<string> {
  return tempProject(`aivp: 1
shots:
  k1: { prompt: "keyframe", model: gemini-3.1-flash-image, seed: 5 }
segments:
  clip: { keyframes: [k1], model: veo-3.1-generate-001, duration: 8${extra ? `, ${extra}` : ''} }
`);
}

describe('Gemini images', () => {
  it('a blocked prompt is one clear node error, not retried', async () => {
    const dir = await gemini('retries: 3');
    google.behaviour.image = 'blocked';
    const o = await buildWith(dir, undefined, google);
    expectOneNodeError(o, 'g1', /blocked the prompt \(PROHIBITED_CONTENT\)/);
    expect(o.retries).toEqual([]);
    expect(google.count(':generateContent')).toBe(1);
    expect(existsSync(join(dir, 'keyframes'))).toBe(false);
  });

  it('an IMAGE_SAFETY finish is one clear node error', async () => {
    const dir = await gemini();
    google.behaviour.image = 'image-safety';
    const o = await buildWith(dir, undefined, google);
    expectOneNodeError(o, 'g1', /IMAGE_SAFETY/);
  });

  it('429 RESOURCE_EXHAUSTED with a RetryInfo delay: waited as asked, then built', async () => {
    const dir = await gemini('retries: 3');
    google.behaviour.fail = { status: 429, times: 2, retryDelay: '0.2s' };
    const o = await buildWith(dir, undefined, google);
    expect(o.code, o.stderr).toBe(0);
    expect(o.retries.map((r) => r.delayMs)).toEqual([200, 200]);
    expect(o.retries[0].error).toMatch(/429 RESOURCE_EXHAUSTED/);
    expect(o.recorded).toEqual(['g1']);
  });

  it('429 with a Retry-After header is honoured', async () => {
    const dir = await gemini();
    google.behaviour.fail = { status: 429, times: 1, retryAfter: 1 };
    const o = await buildWith(dir, undefined, google);
    expect(o.code, o.stderr).toBe(0);
    expect(o.retries.map((r) => r.delayMs)).toEqual([1000]);
  });

  it('500s are retried', async () => {
    const dir = await gemini();
    google.behaviour.fail = { status: 500, times: 2 };
    const o = await buildWith(dir, undefined, google);
    expect(o.code, o.stderr).toBe(0);
    expect(o.retries).toHaveLength(2);
    expect(o.recorded).toEqual(['g1']);
  });

  it('a hung call: the node timeout fires, then the retry succeeds', async () => {
    // 2 s: the attempt after the hang needs headroom on a loaded machine.
    const dir = await gemini('timeout: 2');
    google.behaviour.fail = { status: 200, times: 1, hang: true };
    const o = await buildWith(dir, undefined, google);
    expect(o.code, o.stderr).toBe(0);
    expect(o.retries).toEqual([expect.objectContaining({ error: 'timed out after 2 s' })]);
  });

  it('malformed JSON: retried, then one clear error', async () => {
    const dir = await gemini('retries: 1');
    google.behaviour.fail = { status: 200, raw: '{"candidates": [', pathIncludes: ':generateContent' };
    const o = await buildWith(dir, undefined, google);
    expectOneNodeError(o, 'g1', /malformed response/);
    expect(o.retries).toHaveLength(1);
    expect(o.recorded).toEqual([]);
  });

  it('a blocked Gemini prompt falls back to another model', async () => {
    const dir = await gemini('fallback: [draft]');
    google.behaviour.image = 'blocked';
    const o = await buildWith(dir, undefined, google);
    expect(o.code, o.stderr).toBe(0);
    expect((await readJson(join(dir, 'metadata/g1.json'))).model).toBe('draft');
  });
});

describe('Veo', () => {
  it('a hung download after the operation is paid: the retry re-attaches to the same operation', async () => {
    const dir = await veo('timeout: 1');
    google.behaviour.fail = { status: 200, times: 1, hang: true, pathIncludes: ':download' };
    const o = await buildWith(dir, undefined, google);
    expect(o.code, o.stderr).toBe(0);
    expect(o.retries).toHaveLength(1);
    expect(google.count(':predictLongRunning')).toBe(1);
    expect((await readJson(join(dir, 'metadata/clip.json'))).requestId).toMatch(/operations\/op1$/);
  });

  it('polls failing with 503 are ridden out without paying again', async () => {
    const dir = await veo();
    google.behaviour.fail = { status: 503, times: 2, pathIncludes: '/operations/' };
    const o = await buildWith(dir, undefined, google);
    expect(o.code, o.stderr).toBe(0);
    expect(google.count(':predictLongRunning')).toBe(1);
  });

  it('a failed operation is one clear node error; the keyframe stays recorded', async () => {
    const dir = await veo();
    google.behaviour.operation = 'error';
    const o = await buildWith(dir, undefined, google);
    expectOneNodeError(o, 'clip', /could not be processed/);
    expect(o.recorded).toEqual(['k1']);
  });

  it('a failed operation is forgotten: the next build submits afresh instead of polling the dead one', async () => {
    const dir = await veo();
    google.behaviour.operation = 'error';
    const failed = await buildWith(dir, undefined, google);
    expectOneNodeError(failed, 'clip', /could not be processed/);
    expect(google.count(':predictLongRunning')).toBe(1);

    google.behaviour.operation = 'ok';
    for (const args of [[], ['--force', 'clip']]) {
      const again = await buildWith(dir, undefined, google, args);
      expect(again.code, again.stderr).toBe(0);
      expect(again.recorded).toEqual(['clip', 'k1']);
    }
    expect(google.count(':predictLongRunning')).toBe(3);
    expect((await readJson(join(dir, 'metadata/clip.json'))).requestId).toMatch(/operations\/op3$/);
    expect(existsSync(join(dir, '.aivp/inflight')) ? readdirSync(join(dir, '.aivp/inflight')).filter((n) => n.endsWith('.json')) : []).toEqual([]);
  });

  it('an operation Google no longer knows (404) is submitted afresh', async () => {
    const dir = await veo();
    google.behaviour.pollsUntilDone = 1_000_000;
    const { child, done } = startCli(['-C', dir, 'build', '--json'], { env: fakeEnv(undefined, google) });
    await until(() => google.count('/operations/') >= 1, 'the operation polled', 30_000);
    child.kill('SIGKILL');
    await done;
    expect(readdirSync(join(dir, '.aivp/inflight')).filter((n) => n.endsWith('.json'))).toHaveLength(1);

    // A fresh server knows no operation: the recorded one answers 404.
    await google.close();
    google = await startFakeGoogle({ pollsUntilDone: 2 });
    const again = await buildWith(dir, undefined, google);
    expect(again.code, JSON.stringify(again.failed)).toBe(0);
    expect(google.count(':predictLongRunning')).toBe(1);
    expect(google.requests.filter((r) => r.path.endsWith('/operations/op1') && r.method === 'GET').length).toBeGreaterThan(0);
  });

  it('a video filtered by safety checks is one clear node error with the reason', async () => {
    const dir = await veo();
    google.behaviour.operation = 'filtered';
    const o = await buildWith(dir, undefined, google);
    expectOneNodeError(o, 'clip', /filtered by safety checks.*celebrity/);
  });
});
