// kill -9 of the CLI while a paid request is running at the provider: the next build re-attaches
// to the same fal request / Veo operation instead of paying again, and records it.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { events, runCli, startCli } from '../cli/helpers.js';
import { startFakeFal, type FakeFal } from '../fakes/fal-server.js';
import { startFakeGoogle, type FakeGoogle } from '../fakes/google-server.js';
import { makeImage } from '../support/images.js';
import { readJson, tempProject } from '../support/project.js';
import { until } from '../support/wait.js';
import { checkRecords, FAKE_MP4, fakeEnv } from './helpers.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function inflightFiles(dir: string): Promise<string[]> {
  const d = join(dir, '.aivp/inflight');
  return existsSync(d) ? (await readdir(d)).filter((f) => f.endsWith('.json')) : [];
}

describe('resume after SIGKILL', () => {
  it('fal: the rerun fetches the result of the recorded request id without submitting again', async () => {
    const fal: FakeFal = await startFakeFal({ queueSteps: 1000, jobMs: 600_000, videoBytes: FAKE_MP4 });
    closers.push(() => fal.close());
    const dir = await tempProject(`aivp: 1
shots:
  s1: { prompt: "slow one", model: fal-ai/flux/dev, size: 320x240, seed: 3 }
  s2: { prompt: "slow edit", model: fal-ai/nano-banana-pro/edit, refs: [mentor] }
references:
  mentor: { file: mentor.png }
`, { 'mentor.png': await makeImage({ seed: 'm', width: 40, height: 40 }) });
    const env = fakeEnv(fal);
    const { child, done } = startCli(['-C', dir, 'build', '--json'], { env });
    // Waiting on a job (its status stream) starts only after the request id was recorded.
    const polled = () => fal.requests.filter((r) => r.route === 'stream' || r.route === 'status').map((r) => r.target);
    await until(() => fal.submits().length === 2 && fal.submits().every((s) => polled().some((t) => t.includes(s.requestId))), 'both jobs polled', 20_000);
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    expect(await inflightFiles(dir)).toHaveLength(2);
    expect(await checkRecords(dir)).toEqual([]);

    fal.set({ queueSteps: 0, jobMs: 0 });
    const ids = fal.submits().map((s) => s.requestId);
    const rerun = await runCli(['-C', dir, 'build', '--json'], { env });
    expect(rerun.stderr).toBe('');
    expect(rerun.code).toBe(0);
    expect(events(rerun.stdout).find((e) => e.type === 'build:done').summary).toMatchObject({ built: 2, failed: 0 });
    expect(fal.submits()).toHaveLength(2);
    expect(fal.uploads).toHaveLength(1);
    const results = fal.requests.filter((r) => r.route === 'result').map((r) => r.target);
    for (const id of ids) expect(results.some((t) => t.endsWith(`/requests/${id}`))).toBe(true);
    expect(new Set([(await readJson(join(dir, 'metadata/s1.json'))).requestId, (await readJson(join(dir, 'metadata/s2.json'))).requestId]))
      .toEqual(new Set(ids));
    expect(await checkRecords(dir)).toEqual(['s1', 's2']);
    expect(await inflightFiles(dir)).toEqual([]);
  });

  it('Veo: the rerun polls the recorded operation without calling predictLongRunning again', async () => {
    const google: FakeGoogle = await startFakeGoogle({ pollsUntilDone: 1_000_000 });
    closers.push(() => google.close());
    const dir = await tempProject(`aivp: 1
shots:
  k1: { prompt: "keyframe", model: gemini-3.1-flash-image, seed: 5 }
segments:
  clip: { keyframes: [k1], model: veo-3.1-generate-001, duration: 8 }
`);
    const env = fakeEnv(undefined, google);
    const { child, done } = startCli(['-C', dir, 'build', '--json'], { env });
    await until(() => google.requests.some((r) => r.method === 'GET' && r.path.includes('/operations/')), 'an operation poll', 20_000);
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    expect(await checkRecords(dir)).toEqual(['k1']);
    const [inflight] = await inflightFiles(dir);
    const op = (await readJson(join(dir, '.aivp/inflight', inflight))).requestId;
    expect(op).toMatch(/^models\/veo-3\.1-generate-001\/operations\//);

    google.behaviour.pollsUntilDone = 0;
    const pollsBefore = google.count(op);
    const rerun = await runCli(['-C', dir, 'build', '--json'], { env });
    expect(rerun.stderr).toBe('');
    expect(rerun.code).toBe(0);
    expect(google.count(':predictLongRunning')).toBe(1);
    expect(google.count(':generateContent')).toBe(1);
    expect(google.count(op)).toBeGreaterThan(pollsBefore);
    const rec = await readJson(join(dir, 'metadata/clip.json'));
    expect(rec.requestId).toBe(op);
    expect(await checkRecords(dir)).toEqual(['clip', 'k1']);
    expect(await inflightFiles(dir)).toEqual([]);
  });
});
