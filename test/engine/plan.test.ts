// Planning decisions as a table of cases on the in-memory workspace: a project is built, one thing
// changes, and the plan must say exactly what is stale and why, downstream included.
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/graph/build.js';
import { planBuild } from '../../src/engine/plan.js';
import { parseProject } from '../../src/project/load.js';
import { MemoryWorkspace, summary } from './memory-workspace.js';

const PROJECT = `aivp: 1
name: t
defaults:
  image: { model: fal-ai/flux/dev, size: landscape }
style: { prompt: "stormy cliffs", seed: 7 }
shots:
  a: { prompt: "woman on a cliff", refs: [style], num_images: 2 }
  b: { prompt: "she turns", input: a }
  c: { prompt: "a harbour" }
`;
const ROOT = '/nonexistent/aivp-plan-table';

async function built(yaml = PROJECT) {
  const project = await parseProject(ROOT, yaml);
  const ws = new MemoryWorkspace(project);
  await ws.build(buildGraph(project));
  return ws;
}

/** The plan of `yaml` against what was built from PROJECT (and `change`d by hand after). */
async function planAfter(yaml: string, change: (ws: MemoryWorkspace) => void = () => {}, force: string[] = []) {
  const ws = await built();
  change(ws);
  const project = await parseProject(ROOT, yaml);
  const graph = buildGraph(project);
  return summary(await planBuild(ws, graph, { selected: new Set(graph.order), force: new Set(force) }));
}

const UPTODATE = { style: 'uptodate', a: 'uptodate', b: 'uptodate', c: 'uptodate' };

describe('plan on the in-memory workspace', () => {
  it('plans everything new on an empty workspace, downstream without a key yet', async () => {
    const project = await parseProject(ROOT, PROJECT);
    const ws = new MemoryWorkspace(project);
    const graph = buildGraph(project);
    const plan = await planBuild(ws, graph, { selected: new Set(graph.order), force: new Set() });
    expect(summary(plan)).toEqual({ style: 'new', a: 'new', b: 'new', c: 'new' });
    expect(plan.entries.filter((e) => e.key).map((e) => e.node)).toEqual(['style', 'c']);
  });

  it('builds each node once and then plans nothing', async () => {
    const project = await parseProject(ROOT, PROJECT);
    const ws = new MemoryWorkspace(project);
    const graph = buildGraph(project);
    expect((await ws.build(graph)).sort()).toEqual(['a', 'b', 'c', 'style']);
    expect(await ws.build(graph)).toEqual([]);
  });

  const edits: [string, string, string, Record<string, string>][] = [
    ['a prompt', 'woman on a cliff', 'man on a cliff', { a: 'stale — prompt changed', b: 'stale — input a will be rebuilt' }],
    ['a seed', 'seed: 7', 'seed: 8', { style: 'stale — seed changed', a: 'stale — input style will be rebuilt', b: 'stale — input a will be rebuilt' }],
    ['the model of c', '  c: { prompt: "a harbour" }', '  c: { prompt: "a harbour", model: fal-ai/flux/schnell }', { c: 'stale — model changed' }],
    ['the params of c', '  c: { prompt: "a harbour" }', '  c: { prompt: "a harbour", params: { guidance_scale: 2 } }', { c: 'stale — params changed' }],
    ['the size of c', '  c: { prompt: "a harbour" }', '  c: { prompt: "a harbour", size: square }', { c: 'stale — params changed' }],
    ['an input added', '  b: { prompt: "she turns", input: a }', '  b: { prompt: "she turns", input: a, refs: [c] }', { b: 'stale — input c added' }],
    ['an input removed', '  a: { prompt: "woman on a cliff", refs: [style], num_images: 2 }', '  a: { prompt: "woman on a cliff", num_images: 2 }', { a: 'stale — input style removed', b: 'stale — input a will be rebuilt' }],
    ['the pick of a', 'num_images: 2 }', 'num_images: 2, pick: 2 }', { a: 'uptodate — take 2 now feeds downstream (was 1): nothing to generate', b: 'stale — input a changed' }],
  ];
  it.each(edits)('after an edit of %s: exactly what it reaches, and why', async (_what, from, to, changed) => {
    expect(PROJECT).toContain(from);
    const plan = await planAfter(PROJECT.replace(from, to));
    expect(plan).toEqual({ ...UPTODATE, ...changed });
  });

  it('renaming a node costs nothing: the new name is restored from the cache', async () => {
    const { c: _c, ...rest } = UPTODATE;
    expect(await planAfter(PROJECT.replace('  c: {', '  quay: {'))).toEqual({ ...rest, quay: 'cached — restored from the cache' });
  });

  it('restores an output deleted by hand from the cache, and plans one the cache lacks', async () => {
    expect(await planAfter(PROJECT, (ws) => ws.files.delete('keyframes/c.png'))).toEqual({ ...UPTODATE, c: 'cached — output missing: restored from the cache' });
    const gone = await planAfter(PROJECT, (ws) => {
      ws.files.delete('keyframes/c.png');
      ws.cache.clear();
    });
    expect(gone).toEqual({ ...UPTODATE, c: 'stale — output missing' });
  });

  it('keeps an output edited by hand, and its dependents follow the edit', async () => {
    const plan = await planAfter(PROJECT, (ws) => ws.files.set('keyframes/a_1.png', 'painted over'));
    expect(plan).toEqual({ ...UPTODATE, a: 'modified — output modified by hand: kept (use --force to regenerate)', b: 'stale — input a changed' });
  });

  it('keeps a file at an output path that has no record', async () => {
    const plan = await planAfter(PROJECT, (ws) => {
      ws.records.delete('c');
      ws.cache.clear();
    });
    expect(plan).toEqual({ ...UPTODATE, c: 'modified — output exists without a record: kept (use --force to regenerate)' });
  });

  it('regenerates a forced node, and plans its dependents to follow', async () => {
    expect(await planAfter(PROJECT, () => {}, ['a'])).toEqual({ ...UPTODATE, a: 'stale — forced', b: 'stale — input a will be rebuilt' });
  });

  it('cuts off early: an undo restores the node from the cache and leaves its dependents up to date', async () => {
    const ws = await built();
    const edited = await parseProject(ROOT, PROJECT.replace('woman on a cliff', 'man on a cliff'));
    expect((await ws.build(buildGraph(edited))).sort()).toEqual(['a', 'b']);
    const undone = await parseProject(ROOT, PROJECT);
    const graph = buildGraph(undone);
    const plan = summary(await planBuild(ws, graph, { selected: new Set(graph.order), force: new Set() }));
    // a's restored bytes are known at plan time, so b's key is too: it comes back from the cache as well.
    expect(plan).toEqual({ ...UPTODATE, a: 'cached — prompt changed; restored from the cache', b: 'cached — input a changed; restored from the cache' });
    expect(await ws.build(graph)).toEqual([]);
  });
});
