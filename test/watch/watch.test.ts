// `watchProject` in-process on real temp folders with a scripted provider: what an edit rebuilds,
// debouncing, self-writes, supersede (queued: cancel; running: into the cache only), bad edits.
import { existsSync } from 'node:fs';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { png, readJson, removeProject, scriptedProvider, tempProject } from '../engine/helpers.js';
import { startWatch, until, type WatchRun } from './helpers.js';

const PROJECT = `aivp: 1
name: w
defaults:
  image: { model: fal-ai/flux/dev, size: landscape }
references:
  places: { dir: refs/places }
style:
  prompt: "stormy cliffs"
shots:
  s1:
    prompt: "woman on a cliff"
    refs: [style]
    seed: 1
  s2:
    prompt: "she turns"
    input: s1
  s3:
    prompt: "a harbour"
    refs: [places]
`;

let dirs: string[] = [];
let runs: WatchRun[] = [];
afterEach(async () => {
  await Promise.all(runs.map((r) => r.stop()));
  await Promise.all(dirs.map(removeProject));
  dirs = [];
  runs = [];
});

async function project(yaml = PROJECT) {
  const d = await tempProject(yaml, { 'refs/places/quay.png': await png('quay') });
  dirs.push(d);
  return d;
}
async function watch(...args: Parameters<typeof startWatch>) {
  const r = await startWatch(...args);
  runs.push(r);
  return r;
}
const edit = async (dir: string, from: string, to: string) => {
  const file = join(dir, 'aivp.project.yaml');
  const text = await readFile(file, 'utf8');
  if (!text.includes(from)) throw new Error(`test bug: ${from} not in the project`);
  await writeFile(file, text.replace(from, to));
};
const nodes = (calls: { node: string }[]) => calls.map((c) => c.node).sort();

describe('watch: what an edit rebuilds', () => {
  it('builds everything first, then only the edited node and its dependents', async () => {
    const dir = await project();
    const p = scriptedProvider();
    const w = await watch(dir, p);
    expect(nodes(p.calls)).toEqual(['s1', 's2', 's3', 'style']);
    expect(w.builds()).toHaveLength(1);

    p.calls.length = 0;
    await edit(dir, 'woman on a cliff', 'man on a cliff');
    await until(() => w.builds().length === 2, 'the rebuild');
    expect(nodes(p.calls)).toEqual(['s1', 's2']);
    expect(p.calls.find((c) => c.node === 's1')?.prompt).toBe('man on a cliff');
    expect((await readJson(join(dir, 'metadata/s1.json'))).prompt).toBe('man on a cliff');
    expect(w.builds()[1].summary).toMatchObject({ built: 2, failed: 0 });
  });

  it('turns a burst of saves into one re-plan and one rebuild', async () => {
    const dir = await project();
    const p = scriptedProvider();
    const w = await watch(dir, p, { debounceMs: 150 });
    p.calls.length = 0;
    for (let i = 1; i <= 5; i++) {
      await edit(dir, i === 1 ? 'a harbour' : `a harbour v${i - 1}`, `a harbour v${i}`);
      await sleep(5);
    }
    await until(() => w.builds().length === 2, 'the rebuild');
    const plans = w.events.filter((e) => e.type === 'plan');
    expect(plans).toHaveLength(2);
    expect(p.calls.map((c) => [c.node, c.prompt])).toEqual([['s3', 'a harbour v5']]);
  });

  it('never rebuilds because of the outputs the build itself wrote', async () => {
    // A reference generated into its `file:` is watched (a hand edit counts) but writing it is not an edit.
    const dir = await project(PROJECT.replace('references:\n', 'references:\n  hero: { file: refs/hero.png, prompt: "hero sheet" }\n'));
    const p = scriptedProvider();
    const w = await watch(dir, p);
    expect(existsSync(join(dir, 'refs/hero.png'))).toBe(true);
    const logged = w.logs.length;
    // Long enough for chokidar to report any write of the first build, several debounce periods over.
    await sleep(600);
    expect(w.builds()).toHaveLength(1);
    expect(w.events.filter((e) => e.type === 'plan')).toHaveLength(1);
    expect(w.logs.slice(logged)).toEqual([]);
    expect(p.calls).toHaveLength(5);
  });

  it('rebuilds the dependents of a dir reference when an image is added to the folder', async () => {
    const dir = await project();
    const p = scriptedProvider();
    const w = await watch(dir, p);
    p.calls.length = 0;
    await writeFile(join(dir, 'refs/places/cove.png'), await png('cove'));
    await until(() => w.builds().length === 2, 'the rebuild');
    expect(nodes(p.calls)).toEqual(['s3']);
    expect(p.calls[0].inputs).toHaveLength(2);
  });
});

describe('watch: invalid edits', () => {
  it('prints file:line:col, keeps running, and resumes when the file is fixed', async () => {
    const dir = await project();
    const p = scriptedProvider();
    const w = await watch(dir, p);
    p.calls.length = 0;
    await edit(dir, '  s2:\n    prompt: "she turns"', '  s2:\n    prompt: "she turns\n    input: [s1');
    await until(() => w.logs.some((l) => l.includes('keeping the last good state')), 'the error');
    const error = w.logs.find((l) => /aivp\.project\.yaml:\d+:\d+/.test(l));
    expect(error).toBeDefined();
    expect(p.calls).toHaveLength(0);

    await edit(dir, '  s2:\n    prompt: "she turns\n    input: [s1', '  s2:\n    prompt: "she turns left"');
    await until(() => w.builds().length === 2, 'the rebuild after the fix');
    expect(nodes(p.calls)).toEqual(['s2']);
  });
});
