// The gallery's view model without a disk: a project built on the in-memory workspace, planned,
// and shown. Badges, reasons, takes, inputs and totals are decided here, before any markup.
import { describe, expect, it } from 'vitest';
import { planBuild } from '../../src/engine/plan.js';
import type { Asset } from '../../src/gallery/assets.js';
import { buildView, type GalleryView, type NodeView } from '../../src/gallery/view.js';
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
async function view(yaml = PROJECT, failed: string[] = []): Promise<GalleryView> {
  const ws = new MemoryWorkspace(await parseProject(ROOT, PROJECT));
  await ws.build(buildGraph(ws.project));
  const project = await parseProject(ROOT, yaml);
  const graph = buildGraph(project);
  const plan = await planBuild(ws, graph, { selected: new Set(graph.order), force: new Set() });
  const status = new Map(plan.entries.map((e) => [e.node, { status: e.status, reasons: e.reasons }]));
  const assets = new Map<string, Asset>([...ws.files.keys()].map((f) => [f, { media: `assets/${f}`, mediaType: 'image/png', width: 64, height: 36 }]));
  const failures = new Map(failed.map((n) => [n, { error: `${n}: 422 not allowed`, model: 'fal-ai/flux/dev', at: '2026-01-01T00:00:00.000Z' }]));
  return buildView({ project, records: ws.records, status, failures }, assets);
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
});
