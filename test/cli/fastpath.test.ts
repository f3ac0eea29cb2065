// The no-op fast path (src/cli/fastpath/): a build with nothing to do is answered from .aivp/noop.state
// without loading the project, and its answer always equals the full path's.
import { appendFile, mkdir, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseState, racy, serializeState, type FastPathState } from '../../src/cli/fastpath/state.js';
import { makeImage } from '../support/images.js';
import { tempProject } from '../support/project.js';
import { cleanEnv, events, runCli } from './helpers.js';

const env = (extra: Record<string, string> = {}) => cleanEnv({ AIVP_DEBUG: '1', ...extra });
const answered = (stderr: string) => stderr.includes('answered from .aivp/noop.state');

const png = (r: number, g = 0) => makeImage({ width: 16, height: 12, colour: { r, g, b: 90 } });

const YAML = `aivp: 1
name: fast
defaults:
  image: { model: fal-ai/flux/dev, size: 64x64 }
references:
  mentor: { file: refs/mentor.png }
  places: { dir: refs/places }
style:
  prompt: "stormy cliffs"
shots:
  s1: { prompt: "one", refs: [mentor, style] }
  s2: { prompt: "two", input: s1, refs: [places/beach] }
  s3: { prompt: "three", refs: [places] }
`;

async function fixture(): Promise<string> {
  return tempProject(YAML, { 'refs/mentor.png': await png(10), 'refs/places/beach.png': await png(20), 'refs/places/cave.png': await png(30) });
}

async function build(dir: string, extra: Record<string, string> = {}) {
  const r = await runCli(['-C', dir, 'build', '--draft', '--json'], { env: env(extra) });
  expect(r.code, r.stderr).toBe(0);
  const ev = events(r.stdout);
  const outcomes = Object.fromEntries(ev.filter((e) => e.type === 'node:done').map((e) => [e.node, e.outcome]));
  return { fast: answered(r.stderr), outcomes, events: ev, stderr: r.stderr };
}

/** Strips what may differ between two answers to the same question: durations. */
function comparable(ev: any[]): string {
  return JSON.stringify(ev, (k, v) => (k === 'durationMs' ? 0 : v));
}

describe('no-op fast path', () => {
  it('answers an unchanged project exactly as the full path does, and only then', async () => {
    const dir = await fixture();
    expect((await build(dir)).outcomes).toMatchObject({ s1: 'built', s2: 'built', s3: 'built' });
    const full = await build(dir); // a no-op on the full path saves the answer
    expect(full.fast).toBe(false);
    const fast = await build(dir);
    expect(fast.fast).toBe(true);
    expect(comparable(fast.events)).toBe(comparable(full.events));
    const off = await build(dir, { AIVP_FASTPATH: 'off' });
    expect(off.fast).toBe(false);
    expect(comparable(off.events)).toBe(comparable(full.events));
    // Text mode replays the same lines.
    const first = await runCli(['-C', dir, 'build', '--draft'], { env: env() });
    expect(first.stderr).toContain('other arguments');
    const text = await runCli(['-C', dir, 'build', '--draft'], { env: env() });
    expect(answered(text.stderr)).toBe(true);
    const textFull = await runCli(['-C', dir, 'build', '--draft'], { env: env({ AIVP_FASTPATH: 'off' }) });
    const strip = (s: string) => s.split('\n').filter((l) => !l.startsWith('aivp: no-op')).join('\n').replace(/in \d+\.\d s/, '');
    expect(strip(text.stderr)).toBe(strip(textFull.stderr));
  });

  it('a stale, corrupt or foreign saved state is ignored', async () => {
    const dir = await fixture();
    await build(dir);
    await build(dir);
    const file = join(dir, '.aivp/noop.state');
    const good = await readFile(file, 'utf8');
    const state = parseState(good)!;
    expect(serializeState(state)).toBe(good);
    const edited = (fields: Partial<Record<keyof FastPathState, unknown>>) => serializeState({ ...state, ...fields } as FastPathState);
    for (const [bad, why] of [
      ['{"format":1', 'saved state unreadable'],
      [good.slice(0, good.indexOf('\n') + 20), 'saved state unreadable'],
      [edited({ format: 0 }), 'saved state unreadable'],
      [edited({ aivp: '0.0.1|old' }), 'aivp changed'],
      [edited({ stats: [['x', 'rm -rf']] }), 'saved state unreadable'],
      [edited({ stats: [['/etc/hostname', '-']] }), 'saved state unreadable'],
      [edited({ stats: [['../elsewhere', '-']] }), 'saved state unreadable'],
      [edited({ done: { type: 'node:done' } }), 'saved state unreadable'],
    ] as const) {
      await writeFile(file, bad);
      const r = await build(dir);
      expect(r.fast).toBe(false);
      expect(r.stderr).toContain(why);
      expect(Object.values(r.outcomes).every((o) => o === 'uptodate')).toBe(true);
    }
    await rm(file);
    expect((await build(dir)).stderr).toContain('no saved state');
    // Other arguments, another environment, a build holding the lock: the full path answers.
    expect((await build(dir)).fast).toBe(true);
    const targeted = await runCli(['-C', dir, 'build', 's1', '--draft', '--json'], { env: env() });
    expect(targeted.stderr).toContain('other arguments');
    expect((await build(dir)).stderr).toContain('other arguments');
    expect((await build(dir, { AIVP_CACHE_REMOTE: 'off' })).stderr).toContain('environment changed');
    expect((await build(dir)).stderr).toContain('environment changed');
    expect((await build(dir)).fast).toBe(true);
    // Each provider's variables count, as its descriptor lists them; others do not.
    expect((await build(dir, { STABILITY_BASE_URL: 'http://127.0.0.1:9' })).stderr).toContain('environment changed');
    expect((await build(dir)).stderr).toContain('environment changed');
    expect((await build(dir, { UNRELATED_SETTING: 'x' })).fast).toBe(true);
    await writeFile(join(dir, '.aivp/lock'), JSON.stringify({ pid: 999999, host: 'elsewhere', startedAt: new Date().toISOString(), token: 't' }));
    const locked = await runCli(['-C', dir, 'build', '--draft', '--json'], { env: env() });
    expect(answered(locked.stderr)).toBe(false);
  });

  it('saves no state when a file the answer depends on is as new as the stats (racy)', async () => {
    const dir = await fixture();
    await build(dir);
    // A stamp from the future is never older than the moment of the stats.
    const later = new Date(Date.now() + 3_600_000);
    await utimes(join(dir, 'refs/mentor.png'), later, later);
    const r = await build(dir);
    expect(r.fast).toBe(false);
    await expect(readFile(join(dir, '.aivp/noop.state'))).rejects.toThrow();
    expect((await build(dir)).stderr).toContain('no saved state');
  });

  it('treats a timestamp not older than the saved stats as racy', () => {
    expect(racy('10:1000:900:5', 1000n)).toBe(true);
    expect(racy('10:900:1000:5', 1000n)).toBe(true);
    expect(racy('10:999:999:5', 1000n)).toBe(false);
    expect(racy('-', 1000n)).toBe(false);
    expect(racy('?', 1000n)).toBe(true);
  });

  it('randomized: after any edit to the project, sources, records or outputs, both paths agree on every node', async () => {
    const dir = await fixture();
    await build(dir);
    let seed = 20261201;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const shots = ['s1', 's2', 's3'];
    const mutations: Array<[string, () => Promise<void>]> = [
      ['nothing', async () => undefined],
      ['prompt edit', async () => {
        const y = await readFile(join(dir, 'aivp.project.yaml'), 'utf8');
        const s = shots[rand(3)];
        await writeFile(join(dir, 'aivp.project.yaml'), y.replace(new RegExp(`(  ${s}: \\{ prompt: ")([^"]*)`), `$1$2 x`));
      }],
      ['revert the project file', async () => writeFile(join(dir, 'aivp.project.yaml'), YAML)],
      ['comment only', async () => appendFile(join(dir, 'aivp.project.yaml'), `# note ${rand(1000)}\n`)],
      ['touch a source', async () => utimes(join(dir, 'refs/mentor.png'), new Date(), new Date(Date.now() - rand(10_000)))],
      ['new source bytes', async () => writeFile(join(dir, 'refs/places/beach.png'), await png(rand(255), rand(255)))],
      ['add a dir image', async () => writeFile(join(dir, `refs/places/p${rand(4)}.png`), await png(rand(255)))],
      ['remove a dir image', async () => {
        const extra = (await readdir(join(dir, 'refs/places'))).filter((f) => f.startsWith('p'));
        if (extra.length) await rm(join(dir, 'refs/places', extra[rand(extra.length)]));
      }],
      ['delete an output', async () => {
        const rec = JSON.parse(await readFile(join(dir, `metadata/${shots[rand(3)]}.json`), 'utf8'));
        await rm(join(dir, rec.outputs[0].path), { force: true });
      }],
      ['hand-edit an output', async () => {
        const rec = JSON.parse(await readFile(join(dir, `metadata/${shots[rand(3)]}.json`), 'utf8'));
        await writeFile(join(dir, rec.outputs[0].path), await png(rand(255), 7));
      }],
      ['edit a record key', async () => {
        const f = join(dir, `metadata/${shots[rand(3)]}.json`);
        const rec = JSON.parse(await readFile(f, 'utf8'));
        await writeFile(f, `${JSON.stringify({ ...rec, key: '0'.repeat(64) }, null, 2)}\n`);
      }],
      ['delete a record', async () => rm(join(dir, `metadata/${shots[rand(3)]}.json`), { force: true })],
      ['.env changes', async () => {
        await mkdir(dir, { recursive: true });
        await writeFile(join(dir, '.env'), `AIVP_NOTE=${rand(3)}\n`);
      }],
    ];
    let hits = 0;
    for (let step = 0; step < 12; step++) {
      const [what, mutate] = mutations[rand(mutations.length)];
      await mutate();
      const plan = await runCli(['-C', dir, 'plan', '--draft', '--json'], { env: env() });
      expect(plan.code, `${what}: ${plan.stderr}`).toBe(0);
      const planned = JSON.parse(plan.stdout).entries as Array<{ node: string; status: string }>;
      const work = planned.filter((e) => ['new', 'stale', 'cached'].includes(e.status)).map((e) => e.node).sort();
      const b = await build(dir);
      const done = Object.entries(b.outcomes).filter(([, o]) => o !== 'uptodate').map(([n]) => n).sort();
      expect(done, `step ${step} (${what})`).toEqual(work);
      if (b.fast) expect(work, `step ${step} (${what}): answered fast with work to do`).toEqual([]);
      // Nothing to do now: the fast path (once it has saved) and the full path give the same answer.
      const again = await build(dir);
      const fast = again.fast ? again : await build(dir);
      const off = await build(dir, { AIVP_FASTPATH: 'off' });
      expect(comparable(fast.events), `step ${step} (${what})`).toBe(comparable(off.events));
      if (fast.fast) hits++;
    }
    expect(hits).toBeGreaterThan(6);
  }, 300_000);
});
