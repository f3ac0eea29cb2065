import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeFal } from '../fakes/fal-server.js';
import { readJson, tempProject } from '../support/project.js';
import { until } from '../support/wait.js';
import { cleanEnv, events, runCli, startCli } from './helpers.js';

const PROJECT = `aivp: 1
defaults:
  image: { model: fal-ai/flux/dev, size: square }
shots:
  a: { prompt: "first" }
  b: { prompt: "second", input: a }
`;

let cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

/** A build whose requests stay queued at fal, interrupted with SIGINT once `ready` holds of its events. */
async function interruptedBuild(project: string, ready: (ev: any[]) => boolean, what: string) {
  const fake = await startFakeFal({ queueSteps: 100_000 });
  cleanups.push(() => fake.close());
  const dir = await tempProject(project);
  const env = cleanEnv(fake.env({ AIVP_RETRY_BASE_MS: '1' }));
  const { child, done } = startCli(['-C', dir, 'build', '--json'], { env });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  await until(() => ready(events(out)), what);
  child.kill('SIGINT');
  return { fake, dir, env, r: await done };
}

const queued = (ev: any[]) => ev.filter((e) => e.type === 'node:progress' && e.progress.state === 'queued');

describe('aivp build, Ctrl-C', () => {
  it('cancels the queued request at fal, exits 130 with no record for it, and the next build completes', async () => {
    const { fake, dir, env, r } = await interruptedBuild(PROJECT, (ev) => queued(ev).some((e) => e.node === 'a'), 'a queued at fal');
    expect(r.code).toBe(130);
    const submitted = fake.submits();
    expect(submitted).toHaveLength(1);
    expect(fake.cancels).toContain(submitted[0].requestId);
    const summary = events(r.stdout).find((e) => e.type === 'build:done').summary;
    expect(summary).toMatchObject({ interrupted: true, built: 0 });
    expect(existsSync(join(dir, 'metadata/a.json'))).toBe(false);
    expect(existsSync(join(dir, '.aivp/lock'))).toBe(false);
    expect(r.stdout + r.stderr).not.toContain(fake.key);

    fake.set({ queueSteps: 0 });
    const again = await runCli(['-C', dir, 'build', '--json'], { env });
    expect(again.code).toBe(0);
    expect(events(again.stdout).find((e) => e.type === 'build:done').summary).toMatchObject({ built: 2, failed: 0 });
    expect((await readdir(join(dir, 'metadata'))).sort()).toEqual(['a.json', 'b.json']);
  });

  it('counts each node that did not run once, in the summary and in the events', async () => {
    const project = `${PROJECT}  c: { prompt: "third", input: b }\n  d: { prompt: "fourth" }\n`;
    const { r } = await interruptedBuild(project, (ev) => queued(ev).length >= 2, 'a and d queued');
    expect(r.code).toBe(130);
    const ev = events(r.stdout);
    const skipped = ev.filter((e) => e.type === 'node:skipped').map((e) => e.node).sort();
    expect(skipped).toEqual(['a', 'b', 'c', 'd']);
    expect(ev.find((e) => e.type === 'build:done').summary).toMatchObject({ interrupted: true, built: 0, failed: 0, skipped: 4 });
  });
});

describe('aivp gallery after a failed build', () => {
  it('shows the failed node with its error and the model of its last attempt until a later build succeeds', async () => {
    const fake = await startFakeFal();
    cleanups.push(() => fake.close());
    const dir = await tempProject(PROJECT.replace('a: { prompt: "first" }', 'a: { prompt: "first", fallback: [fal-ai/flux/schnell] }'));
    const env = cleanEnv(fake.env({ AIVP_RETRY_BASE_MS: '1' }));
    // The model and then its fallback refuse the prompt.
    fake.fail({ on: 'submit', status: 422, times: 2, body: { detail: [{ loc: ['body', 'prompt'], msg: 'prompt refused', type: 'value_error' }] } });

    const failed = await runCli(['-C', dir, 'build'], { env });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('prompt refused');
    expect((await runCli(['-C', dir, 'gallery'], { env })).code).toBe(0);
    const page = await readFile(join(dir, '.aivp/gallery/index.html'), 'utf8');
    expect(page).toContain('prompt refused');
    expect(page).toContain('data-status="failed"');
    expect(page).toContain('Last attempt with <code>fal-ai/flux/schnell</code> failed:');
    expect(await readJson(join(dir, '.aivp/failures.json'))).toEqual({ a: { error: expect.stringContaining('prompt refused'), model: 'fal-ai/flux/schnell' } });

    expect((await runCli(['-C', dir, 'build'], { env })).code).toBe(0);
    await runCli(['-C', dir, 'gallery'], { env });
    expect(await readFile(join(dir, '.aivp/gallery/index.html'), 'utf8')).not.toContain('prompt refused');
  });
});
