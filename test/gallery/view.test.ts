// The gallery's view model without a disk: a project built on the in-memory workspace, planned,
// and shown. Badges, reasons, takes, inputs and totals are decided here, before any markup.
import { describe, expect, it } from 'vitest';
import { planBuild } from '../../src/engine/plan.js';
import type { Asset } from '../../src/gallery/assets.js';
import { renderGallery } from '../../src/gallery/html.js';
import { buildView, type GalleryView, type NodeView, type ViewInput } from '../../src/gallery/view.js';
import type { NodeRecord } from '../../src/engine/record-types.js';
import { buildGraph } from '../../src/graph/build.js';
import { parseProject } from '../../src/project/load.js';
import { MemoryWorkspace } from '../engine/memory-workspace.js';

const PROJECT = `aivp: 1
name: harbour
defaults:
  image: { model: fal-ai/flux/dev, size: landscape }
shots:
  a: { prompt: "woman on a cliff", num_images: 2, pick: 2 }
  b: { prompt: "she turns", input: a }
  c: { prompt: "a harbour" }
`;
const ROOT = '/nonexistent/aivp-view';

/** Built from PROJECT, then shown as `yaml` says (its plan decides the badges). */
async function view(yaml = PROJECT, failed: string[] = [], edit?: (records: Map<string, NodeRecord>, input: ViewInput) => void): Promise<GalleryView> {
  const ws = new MemoryWorkspace(await parseProject(ROOT, PROJECT));
  await ws.build(buildGraph(ws.project));
  const project = await parseProject(ROOT, yaml);
  const graph = buildGraph(project);
  const plan = await planBuild(ws, graph, { selected: new Set(graph.order), force: new Set() });
  const status = new Map(plan.entries.map((e) => [e.node, { status: e.status, reasons: e.reasons }]));
  const assets = new Map<string, Asset>([...ws.files.keys()].map((f) => [f, { media: `assets/${f}`, mediaType: 'image/png', width: 64, height: 36 }]));
  const failures = new Map(failed.map((n) => [n, { error: `${n}: 422 not allowed`, model: 'fal-ai/flux/dev', at: '2026-01-01T00:00:00.000Z' }]));
  const input: ViewInput = { project, records: ws.records, status, failures };
  edit?.(ws.records, input);
  for (const rec of [...ws.records.values(), ...[...(input.history?.values() ?? [])].flat()]) {
    for (const o of rec.outputs) {
      assets.set(o.path, { media: `assets/${o.path}`, mediaType: 'image/png' });
      assets.set(`cache:${o.sha256}`, { media: `assets/${o.sha256}.png`, mediaType: 'image/png' });
    }
  }
  return buildView(input, assets);
}
const card = (v: GalleryView, name: string): NodeView => v.shots.find((s) => s.name === name)!;

describe('the gallery view', () => {
  it('shows every take, the picked one marked, and each input linked to its card', async () => {
    const v = await view();
    const a = card(v, 'a');
    expect(a.takes.map((t) => [t.index, t.asset.media, t.picked])).toEqual([[1, 'assets/keyframes/a_1.png', false], [2, 'assets/keyframes/a_2.png', true]]);
    expect(card(v, 'b').inputs).toEqual([{ role: 'input', name: 'a', anchor: 'n-a', asset: a.takes[1].asset }]);
    expect(v.shots.map((s) => s.badge)).toEqual(['uptodate', 'uptodate', 'uptodate']);
    expect(v.totals).toEqual({ built: 3, stale: 0, missing: 0, failed: 0, spentUsd: 0.03 });
  });

  it("badges what the next build would do, with the plan's reasons", async () => {
    const v = await view(PROJECT.replace('a harbour', 'a quay'));
    expect(card(v, 'c')).toMatchObject({ badge: 'stale', reasons: ['prompt changed'], prompt: 'a quay', builtPrompt: 'a harbour' });
    expect(v.totals).toMatchObject({ built: 2, stale: 1 });
  });

  it('shows a failure with its error until the node is built, and a node never built as missing', async () => {
    const v = await view(`${PROJECT}  d: { prompt: "a pier" }\n`, ['c']);
    expect(card(v, 'c')).toMatchObject({ badge: 'failed', error: 'c: 422 not allowed' });
    expect(card(v, 'd')).toMatchObject({ badge: 'missing', takes: [] });
    expect(v.totals).toMatchObject({ built: 2, failed: 1, missing: 1 });
  });

  it("shows only the node's own takes: a record naming another file (an .html take, another node's) shows nothing there", async () => {
    const v = await view(PROJECT, [], (records) => {
      const a = records.get('a')!;
      const sha = a.outputs[0]!.sha256;
      records.set('a', { ...a, outputs: [a.outputs[0]!, { ...a.outputs[1]!, path: 'keyframes/a_2.html' }] });
      const c = records.get('c')!;
      records.set('c', { ...c, outputs: [{ ...c.outputs[0]!, path: 'keyframes/b.png', sha256: sha }] });
    });
    expect(card(v, 'a').takes.map((t) => [t.index, t.asset.media])).toEqual([[1, 'assets/keyframes/a_1.png']]);
    expect(card(v, 'c').takes).toEqual([]);
    expect(renderGallery(v)).not.toContain('a_2.html');
  });

  it('a record field of the wrong type is left out, never a crash', async () => {
    const odd = { costUsd: '0.02', model: { toString: 1 }, prompt: 42, createdAt: 7, seed: 'x', seedRequested: [] } as unknown as Partial<NodeRecord>;
    const v = await view(PROJECT, [], (records, input) => {
      const c = records.get('c')!;
      records.set('c', { ...c, ...odd });
      const earlier: NodeRecord = { ...c, ...odd, key: 'earlier', outputs: [{ ...c.outputs[0]!, sha256: 'e'.repeat(64) }] };
      input.history = new Map([['c', [earlier, { ...earlier, key: 'earlier2', createdAt: '2025-01-01T00:00:00.000Z', outputs: [{ ...c.outputs[0]!, sha256: 'f'.repeat(64) }] }]]]);
    });
    const c = card(v, 'c');
    expect(c).toMatchObject({ model: 'fal-ai/flux/dev', costUsd: undefined, seed: undefined, builtPrompt: undefined });
    expect(c.versions.map((ver) => [ver.createdAt, ver.model])).toEqual([['2025-01-01T00:00:00.000Z', 'unknown'], ['unknown', 'unknown']]);
    expect(v.totals.spentUsd).toBeCloseTo(0.02);
    expect(() => renderGallery(v)).not.toThrow();
  });
});

const FILM = `aivp: 1
name: cut
defaults:
  image: { model: fal-ai/flux/dev, size: landscape }
  video: { model: fal-ai/kling-video/v2.1/master/image-to-video }
shots:
  a: { prompt: "a" }
  b: { prompt: "b" }
  c: { prompt: "c" }
  d: { prompt: "d" }
segments:
  one: { keyframes: [a, b], duration: 5, prompt: "one" }
  two: { keyframes: [b, c], duration: 5, prompt: "two" }
  lone: { keyframes: [d], duration: 5, prompt: "lone" }
film:
  segments: [two, one, lone]
  transition: { type: crossfade, duration: 0.5 }
`;

/** FILM built, each clip lasting `lengths` (its real length, not the declared 5 s); `cut`: the film record's. */
async function filmView(lengths: Record<string, number>, cut?: unknown, yaml = FILM): Promise<GalleryView> {
  const ws = new MemoryWorkspace(await parseProject(ROOT, FILM));
  await ws.build(buildGraph(ws.project));
  const project = await parseProject(ROOT, yaml);
  const assets = new Map<string, Asset>();
  for (const rec of ws.records.values()) {
    for (const o of rec.outputs) assets.set(o.path, { media: `assets/${o.path}`, mediaType: rec.kind === 'shot' ? 'image/png' : 'video/mp4', durationSec: lengths[rec.node] });
  }
  const film = ws.records.get('film')!;
  ws.records.set('film', { ...film, outputs: [{ ...film.outputs[0]!, path: 'film/cut.mp4', mediaType: 'video/mp4' }], ...(cut ? { cut } : {}) } as NodeRecord);
  assets.set('film/cut.mp4', { media: 'assets/film/cut.mp4', mediaType: 'video/mp4' });
  return buildView({ project, records: ws.records, status: new Map() }, assets);
}
const times = (v: GalleryView) => v.timeline.map((e) => [e.segment.name, e.startSec, e.durationSec]);

describe('the storyboard tells the real time', () => {
  it("follows the film's recorded cut: its order, real lengths and crossfade overlap", async () => {
    const cut = [
      { segment: 'two', startSec: 0, durationSec: 4 },
      { segment: 'one', startSec: 3.5, durationSec: 3 },
      { segment: 'lone', startSec: 6, durationSec: 2 },
    ];
    const v = await filmView({ one: 3, two: 4, lone: 2 }, cut);
    expect(times(v)).toEqual([['two', 0, 4], ['one', 3.5, 3], ['lone', 6, 2]]);
    expect(v.runningTimeSec).toBe(8);
    expect(v.segments.find((s) => s.name === 'one')).toMatchObject({ durationSec: 3, askedSec: undefined });
  });

  it("before the film records a cut, times come from the clips' real lengths cut as the film will be", async () => {
    const v = await filmView({ one: 3, two: 4, lone: 2 });
    expect(times(v)).toEqual([['two', 0, 4], ['one', 3.5, 3], ['lone', 6, 2]]);
    expect(v.runningTimeSec).toBe(8);
    // A malformed recorded cut is not trusted either.
    expect(times(await filmView({ one: 3, two: 4, lone: 2 }, [{ segment: 'two', startSec: 'x' }]))).toEqual(times(v));
  });

  it('a clip whose real length is unknown has no time, and neither has the film', async () => {
    const v = await filmView({ one: 3, two: 4 });
    expect(times(v)).toEqual([['two', undefined, undefined], ['one', undefined, undefined], ['lone', undefined, undefined]]);
    expect(v.runningTimeSec).toBeUndefined();
    expect(v.segments.find((s) => s.name === 'lone')).toMatchObject({ durationSec: undefined, askedSec: 5 });
  });

  it('a one-keyframe segment sits at its keyframe alone: it joins neither neighbour', async () => {
    const v = await filmView({ one: 3, two: 4, lone: 2 });
    const lone = v.timeline[2]!;
    expect([lone.first?.name, lone.last?.name, lone.joined]).toEqual(['d', undefined, false]);
    const last = await filmView({ one: 3, two: 4, lone: 2 }, undefined, FILM.replace('keyframes: [d], duration: 5', 'keyframes: [d], position: last, duration: 5'));
    expect([last.timeline[2]!.first?.name, last.timeline[2]!.last?.name]).toEqual([undefined, 'd']);
    const page = renderGallery(v);
    const tl = page.slice(page.indexOf('<ol class="timeline">'), page.indexOf('</ol>'));
    // two (b..c), a cut, one (a..b), a cut, then lone with d before it only.
    const items = [...tl.matchAll(/<li class="([^"]+)"[^>]*>([\s\S]*?)<\/li>/g)].map((m) => {
      const name = /<span class="tl-name">(?:<a[^>]*>)?([^<]+)/.exec(m[2]!)?.[1];
      return name ? `${m[1]}:${name}` : m[1];
    });
    expect(items).toEqual(['tl-key:b', 'tl-seg:two', 'tl-key:c', 'tl-cut', 'tl-key:a', 'tl-seg:one', 'tl-key:b', 'tl-cut', 'tl-key:d', 'tl-seg single:lone']);
  });

  it('writes money as plan does', async () => {
    const v = await view(PROJECT, [], (records) => {
      const c = records.get('c')!;
      records.set('c', { ...c, costUsd: 5.306 });
    });
    expect(renderGallery(v)).toMatch(/<b>\$5\.3[0-9]<\/b> spent/);
    expect(renderGallery(v)).toContain('<dt>cost</dt><dd>$5.31</dd>');
  });
});
