// `watchProject` in-process on real temp folders with a scripted provider: what an edit rebuilds,
// debouncing, self-writes, supersede (queued: cancel; running: into the cache only), bad edits.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { getEventListeners } from 'node:events';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { scriptedProvider } from '../engine/helpers.js';
import { ProviderError } from '../../src/providers/types.js';
import { WorkspaceState } from '../../src/engine/workspace.js';
import { makeImage } from '../support/images.js';
import { gitInit, readJson, tempProject } from '../support/project.js';
import { until } from '../support/wait.js';
import { startWatch, type WatchRun } from './helpers.js';

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

let runs: WatchRun[] = [];
afterEach(async () => {
  await Promise.all(runs.map((r) => r.stop()));
  runs = [];
});

async function project(yaml = PROJECT) {
  return tempProject(yaml, { 'refs/places/quay.png': await makeImage({ seed: 'quay' }) });
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

/** The request with this prompt reports it is running at the provider and waits for release(). */
function holdWhileRunning(p: ReturnType<typeof scriptedProvider>, prompt: string): () => void {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  p.script = async (req, ctx) => {
    if (req.prompt !== prompt) return undefined;
    ctx.onProgress({ state: 'running', log: 'step 1' });
    await released;
    return undefined;
  };
  return release;
}

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
      // Saves spread out as an editor's are: the spacing is the burst under test (well inside the debounce).
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
    // The watch saw the build write the watched reference, and judged it its own write.
    const hero = join(dir, 'refs/hero.png');
    await until(() => w.changes.some((c) => c.paths.includes(hero)), 'the write of refs/hero.png to be seen');
    expect(w.changes.flatMap((c) => c.edits)).toEqual([]);
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
    await writeFile(join(dir, 'refs/places/cove.png'), await makeImage({ seed: 'cove' }));
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
    await until(() => w.builds().length === 2, () => `the rebuild after the fix; log:\n${w.logs.join('\n')}`);
    expect(nodes(p.calls)).toEqual(['s2']);
  });
});

describe('watch: status', () => {
  it('names what failed until it is fixed, and what was spent', async () => {
    const dir = await project();
    const p = scriptedProvider();
    p.script = async (req) => {
      if (req.prompt === 'a harbour') throw new ProviderError('422 prompt: not allowed', { retryable: false });
      return undefined;
    };
    const w = await watch(dir, p);
    expect(w.logs.at(-1)).toBe('watch: 3 built, 0 from cache; failed: s3; spent $0.03 this session; waiting for changes');
    // The failures log is the one `aivp build` keeps: the gallery shows it after watch ends too.
    expect(Object.keys(await readJson(join(dir, '.aivp/failures.json')))).toEqual(['s3']);
    await edit(dir, 'a harbour', 'a quay');
    // The status line follows the build's end (and its failures log): wait for it, not the event.
    await until(() => w.builds().length === 2 && w.logs.at(-1)!.endsWith('waiting for changes'), 'the rebuild');
    expect(w.logs.at(-1)).toBe('watch: 1 built, 0 from cache; spent $0.04 this session; waiting for changes');
    expect(await readJson(join(dir, '.aivp/failures.json'))).toEqual({});
  });
});

describe('watch: the checks of a build', () => {
  it('refuses video work without ffmpeg exactly as build does, and builds once .env names one', async () => {
    const dir = await project('aivp: 1\nname: v\nshots:\n  a: { prompt: "a", model: fal-ai/flux/dev }\nsegments:\n  clip: { keyframes: [a], model: draft, duration: 2 }\n');
    gitInit(dir);
    await writeFile(join(dir, '.env'), `FFMPEG_PATH=${join(dir, 'no-ffmpeg')}\n`);
    const p = scriptedProvider();
    const w = await watch(dir, p);
    expect(w.logs).toContainEqual(expect.stringMatching(/^watch: FFMPEG_PATH is .*no-ffmpeg, which is not an executable file.*; nothing was generated$/));
    expect(p.calls).toHaveLength(0);
    await writeFile(join(dir, '.env'), '');
    await until(() => w.builds().length === 1, 'the build');
    expect(nodes(p.calls)).toEqual(['a', 'clip']);
  });
});

describe('watch: budget', () => {
  it('refuses a rebuild over the project budget and builds once it is raised', async () => {
    const dir = await project(PROJECT.replace('name: w\n', 'name: w\nbudget: 0.03\n'));
    const p = scriptedProvider();
    const w = await watch(dir, p);
    expect(w.logs.some((l) => l.includes('exceeds the budget of $0.03') && l.includes('nothing was generated'))).toBe(true);
    expect(p.calls).toHaveLength(0);
    await edit(dir, 'budget: 0.03', 'budget: 1');
    await until(() => w.builds().length === 1, 'the build');
    expect(nodes(p.calls)).toEqual(['s1', 's2', 's3', 'style']);
  });
});

describe('watch: edits while a node is in flight', () => {
  const planKey = (w: WatchRun, node: string, nth: number) => {
    const plan = w.events.filter((e) => e.type === 'plan')[nth];
    return plan?.type === 'plan' ? plan.entries.find((e) => e.node === node)?.key : undefined;
  };

  it('cancels a request still queued and submits the new one', async () => {
    const dir = await project();
    const p = scriptedProvider();
    const w = await watch(dir, p);
    const aborted: string[] = [];
    p.script = async (req, ctx) => {
      if (req.prompt !== 'a harbour v1') return undefined;
      ctx.onProgress({ state: 'queued', queuePosition: 3 });
      // Queued until cancelled.
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
      aborted.push(req.prompt);
      throw ctx.signal.reason;
    };
    p.calls.length = 0;
    await edit(dir, 'a harbour', 'a harbour v1');
    await until(() => w.events.some((e) => e.type === 'node:progress' && e.node === 's3' && e.progress.state === 'queued'), 'v1 queued');
    await edit(dir, 'a harbour v1', 'a harbour v2');
    await until(() => w.builds().length === 3, 'the rebuild with v2');
    expect(aborted).toEqual(['a harbour v1']);
    expect(p.calls.map((c) => c.prompt)).toEqual(['a harbour v1', 'a harbour v2']);
    expect(w.events).toContainEqual({ type: 'node:skipped', node: 's3', reason: 'superseded: queued request cancelled' });
    expect(w.logs.some((l) => l.includes('s3 changed while queued: request cancelled'))).toBe(true);
    const rec = await readJson(join(dir, 'metadata/s3.json'));
    expect(rec.prompt).toBe('a harbour v2');
    const k1 = planKey(w, 's3', 1)!;
    expect(existsSync(join(dir, '.aivp/cache/keys', `${k1}.json`))).toBe(false);
    expect(existsSync(join(dir, '.aivp/inflight', `${k1}.json`))).toBe(false);
  });

  /** The first request with this prompt is submitted as `requestId`, reports it is queued, and waits to be cancelled. */
  function queueUntilCancelled(p: ReturnType<typeof scriptedProvider>, prompt: string, requestId: string): void {
    let queued = false;
    p.script = async (req, ctx) => {
      if (req.prompt !== prompt || ctx.resume || queued) return undefined;
      queued = true;
      await ctx.onSubmitted(requestId);
      ctx.onProgress({ state: 'queued', queuePosition: 3 });
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
      throw ctx.signal.reason;
    };
  }

  it('forgets a cancelled queued request: an undo submits afresh instead of re-attaching to it', async () => {
    const dir = await project();
    const p = scriptedProvider();
    const w = await watch(dir, p);
    queueUntilCancelled(p, 'a harbour v1', 'req-cancelled');
    p.calls.length = 0;
    await edit(dir, 'a harbour', 'a harbour v1');
    await until(() => w.events.some((e) => e.type === 'node:progress' && e.node === 's3' && e.progress.state === 'queued'), 'v1 queued');
    const k1 = planKey(w, 's3', 1)!;
    await edit(dir, 'a harbour v1', 'a harbour v2');
    await until(() => w.builds().length === 3, 'the rebuild with v2');
    expect(existsSync(join(dir, '.aivp/inflight', `${k1}.json`))).toBe(false);
    await edit(dir, 'a harbour v2', 'a harbour v1');
    await until(() => w.builds().length === 4, 'the undo');
    expect(p.calls.map((c) => [c.prompt, c.resume])).toEqual([['a harbour v1', undefined], ['a harbour v2', undefined], ['a harbour v1', undefined]]);
  });

  it('forgets a request cancelled by Ctrl-C while queued: the next build submits afresh', async () => {
    const dir = await project();
    const p = scriptedProvider();
    const w = await watch(dir, p);
    queueUntilCancelled(p, 'a harbour v1', 'req-cancelled');
    await edit(dir, 'a harbour', 'a harbour v1');
    await until(() => w.events.some((e) => e.type === 'node:progress' && e.node === 's3' && e.progress.state === 'queued'), 'v1 queued');
    const k1 = planKey(w, 's3', 1)!;
    await w.stop();
    expect(existsSync(join(dir, '.aivp/inflight', `${k1}.json`))).toBe(false);
  });

  it('lets a running request finish into the cache only, and an undo restores it for free', async () => {
    const dir = await project();
    const p = scriptedProvider();
    const w = await watch(dir, p);
    const release = holdWhileRunning(p, 'a harbour v1');
    p.calls.length = 0;
    await edit(dir, 'a harbour', 'a harbour v1');
    await until(() => w.events.some((e) => e.type === 'node:progress' && e.node === 's3' && e.progress.state === 'running'), 'v1 running');
    const k1 = planKey(w, 's3', 1)!;
    await edit(dir, 'a harbour v1', 'a harbour v2');
    // The new request does not wait for the superseded one.
    await until(() => w.builds().length === 3, 'the rebuild with v2');
    expect(w.logs.some((l) => l.includes('s3 changed while running'))).toBe(true);
    const v2 = await readJson(join(dir, 'metadata/s3.json'));
    expect(v2.prompt).toBe('a harbour v2');
    const v2bytes = await readFile(join(dir, 'keyframes/s3.png'));

    release();
    await until(() => w.logs.some((l) => l.includes('superseded work finished into the cache ($0.01)')), 'v1 in the cache');
    expect((await readJson(join(dir, '.aivp/cache/keys', `${k1}.json`))).prompt).toBe('a harbour v1');
    // Neither the workspace nor the record took the superseded result.
    expect(await readFile(join(dir, 'keyframes/s3.png'))).toEqual(v2bytes);
    expect((await readJson(join(dir, 'metadata/s3.json'))).key).toBe(v2.key);

    const calls = p.calls.length;
    await edit(dir, 'a harbour v2', 'a harbour v1');
    await until(() => w.builds().length === 4, 'the undo');
    expect(p.calls.length).toBe(calls);
    // 4 first builds, v1 (superseded, paid) and v2 at $0.01 each.
    expect(w.logs.at(-1)).toContain('spent $0.06');
    expect(w.events).toContainEqual(expect.objectContaining({ type: 'node:done', node: 's3', outcome: 'cached', costUsd: 0 }));
    const undone = await readJson(join(dir, 'metadata/s3.json'));
    expect(undone).toMatchObject({ key: k1, prompt: 'a harbour v1' });
    expect(await readFile(join(dir, 'keyframes/s3.png'))).not.toEqual(v2bytes);
  });
});

describe('watch: provider concurrency across rebuilds', () => {
  it('counts a superseded request that is still running against `concurrency` until it lands', async () => {
    const dir = await project(PROJECT.replace('name: w', 'name: w\nproviders: { fal: { concurrency: 1 } }'));
    const p = scriptedProvider();
    const w = await watch(dir, p);
    const release = holdWhileRunning(p, 'a harbour v1');
    p.calls.length = 0;
    await edit(dir, 'a harbour', 'a harbour v1');
    await until(() => w.events.some((e) => e.type === 'node:progress' && e.node === 's3' && e.progress.state === 'running'), 'v1 running');
    await edit(dir, 'a harbour v1', 'a harbour v2');
    await until(() => w.logs.some((l) => l.includes('s3 changed while running')), 'v1 superseded');
    await until(() => w.events.filter((e) => e.type === 'plan').length === 3, 'the rebuild with v2 to start');
    // The one fal slot is still taken by v1: v2 waits. A request not made is no event: give it the
    // time it would take were the slot free.
    await sleep(300);
    expect(p.calls.map((c) => c.prompt)).toEqual(['a harbour v1']);
    release();
    await until(() => p.calls.some((c) => c.prompt === 'a harbour v2'), 'v2 submitted once v1 landed');
    await until(() => w.builds().length === 3, 'the rebuild with v2');
    expect((await readJson(join(dir, 'metadata/s3.json'))).prompt).toBe('a harbour v2');
  });
});

describe('watch: many edits', () => {
  it('leaves no abort listener behind per rebuild (no MaxListenersExceededWarning after a dozen edits)', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const dir = await project();
      const w = await watch(dir, scriptedProvider());
      const before = getEventListeners(w.signal, 'abort').length;
      for (let i = 1; i <= 13; i++) {
        await edit(dir, i === 1 ? 'a harbour' : `a harbour v${i - 1}`, `a harbour v${i}`);
        await until(() => w.builds().length === i + 1, `rebuild ${i}`);
      }
      expect(getEventListeners(w.signal, 'abort').length).toBe(before);
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });
});

describe('watch: stopping', () => {
  it('stops on abort with an interrupted build leaving consistent records', async () => {
    const dir = await project();
    const p = scriptedProvider();
    const w = await watch(dir, p);
    p.script = async (req, ctx) => {
      if (req.prompt !== 'man on a cliff') return undefined;
      ctx.onProgress({ state: 'running' });
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
      throw ctx.signal.reason;
    };
    const before = await readJson(join(dir, 'metadata/s1.json'));
    await edit(dir, 'woman on a cliff', 'man on a cliff');
    await until(() => w.events.some((e) => e.type === 'node:progress' && e.node === 's1'), 's1 running');
    await w.stop();
    expect(w.builds().at(-1)!.summary).toMatchObject({ interrupted: true, built: 0 });
    // The record and output of s1 are the last good ones; s2 was never started.
    expect(await readJson(join(dir, 'metadata/s1.json'))).toEqual(before);
    expect(p.calls.filter((c) => c.node === 's2')).toHaveLength(1);
  });
});

describe('watch: re-plans from the previous state', () => {
  const idles = (w: WatchRun) => w.logs.filter((l) => l.includes('waiting for changes')).length;
  /** Makes a change and waits until watch has re-planned it and gone back to waiting. */
  const settled = async (w: WatchRun, change: () => Promise<void>) => {
    const before = idles(w);
    await change();
    await until(() => idles(w) > before, 'the re-plan to settle');
  };
  /** Saves the project file unchanged. */
  const resave = (dir: string) => async () => {
    const file = join(dir, 'aivp.project.yaml');
    await writeFile(file, await readFile(file, 'utf8'));
  };

  it('notices a record changed on disk between two rebuilds (same size, in place)', async () => {
    const dir = await project();
    const p = scriptedProvider();
    const w = await watch(dir, p, { state: new WorkspaceState() });
    // This re-plan reads every record into the session's state.
    await settled(w, () => edit(dir, 'a harbour', 'a quay'));
    // Someone else (a git checkout, say) rewrites s1's record: another key of the same length.
    const file = join(dir, 'metadata', 's1.json');
    const text = await readFile(file, 'utf8');
    const rec = JSON.parse(text);
    const other = `${rec.key[0] === 'a' ? 'b' : 'a'}${rec.key.slice(1)}`;
    await writeFile(file, text.replace(rec.key, other));
    expect((await readFile(file, 'utf8')).length).toBe(text.length);
    p.calls.length = 0;
    await settled(w, () => edit(dir, 'a quay', 'a pier'));
    // Seen: the record no longer matches, and the content cache holds the real one (a stale read would say uptodate).
    const plan = w.events.filter((e) => e.type === 'plan').at(-1)!;
    const s1 = plan.entries.find((e) => e.node === 's1')!;
    expect([s1.status, s1.reasons.at(-1)]).toEqual(['cached', 'restored from the cache']);
    expect(nodes(p.calls)).toEqual(['s3']);
    expect(JSON.parse(await readFile(file, 'utf8')).key).toBe(rec.key);
  });

  it('re-reads no record file on a rebuild where none changed, and only the rebuilt one after an edit', async () => {
    const dir = await project();
    const p = scriptedProvider();
    const state = new WorkspaceState();
    const w = await watch(dir, p, { state });
    await settled(w, () => edit(dir, 'a harbour', 'a quay'));
    expect(state.records.filesRead).toBe(4);
    // The edit's build rewrote s3's record: the next re-plan reads that one file, then none.
    await settled(w, resave(dir));
    expect(state.records.filesRead).toBe(5);
    await settled(w, resave(dir));
    await settled(w, resave(dir));
    expect(state.records.filesRead).toBe(5);
    expect(w.builds()).toHaveLength(2);
    await settled(w, () => edit(dir, 'a quay', 'a pier'));
    await settled(w, resave(dir));
    expect(state.records.filesRead).toBe(6);
  });
});
