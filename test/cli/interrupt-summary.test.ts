// The Ctrl-C summary counts every node that did not run once, in the summary and in the events.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeFal } from '../fakes/fal-server.js';
import { until } from '../watch/helpers.js';
import { cleanEnv, events, startCli } from './helpers.js';

const PROJECT = `aivp: 1
defaults:
  image: { model: fal-ai/flux/dev, size: square }
shots:
  a: { prompt: "first" }
  b: { prompt: "second", input: a }
  c: { prompt: "third", input: b }
  d: { prompt: "fourth" }
`;

let cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

describe('aivp build, Ctrl-C summary', () => {
  it('counts each node that did not run once', async () => {
    const fake = await startFakeFal({ queueSteps: 100_000 });
    cleanups.push(() => fake.close());
    const dir = await mkdtemp(join(tmpdir(), 'aivp-int-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'aivp.project.yaml'), PROJECT);
    const env = cleanEnv(fake.env({ AIVP_RETRY_BASE_MS: '1' }));
    const { child, done } = startCli(['-C', dir, 'build', '--json'], { env });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    await until(() => events(out).filter((e) => e.type === 'node:progress' && e.progress.state === 'queued').length >= 2, 'a and d queued');
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    const ev = events(r.stdout);
    const skipped = ev.filter((e) => e.type === 'node:skipped').map((e) => e.node).sort();
    expect(skipped).toEqual(['a', 'b', 'c', 'd']);
    expect(ev.find((e) => e.type === 'build:done').summary).toMatchObject({ interrupted: true, built: 0, failed: 0, skipped: 4 });
  });
});
