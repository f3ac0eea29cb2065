// One fuzz case through everything that reads a project before a build: load and validate, graph,
// plan on the in-memory workspace (empty, then built), and the gallery's view model and page. Bad
// input must end in the project's own diagnostic error; any other exception is a crash, and a
// file the loader accepts must also graph, plan and show. Runs in a fuzz worker (worker.mjs).
import { cp, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/base/errors.js';
import { BuildContext } from '../../src/context/context.js';
import { planBuild } from '../../src/engine/plan.js';
import type { Asset } from '../../src/gallery/assets.js';
import { renderGallery } from '../../src/gallery/html.js';
import { buildView, gallerySources, type ViewInput } from '../../src/gallery/view.js';
import { buildGraph } from '../../src/graph/build.js';
import type { Graph } from '../../src/graph/types.js';
import { loadProject, parseProject } from '../../src/project/load.js';
import { PROJECT_FILE } from '../../src/project/report.js';
import type { ResolvedProject } from '../../src/project/types.js';
import { MemoryWorkspace, sha } from '../engine/memory-workspace.js';
import { fuzzCase, REPO } from './generate.js';

export type Outcome =
  | { verdict: 'rejected'; diagnostics: number }
  | { verdict: 'accepted'; nodes: number; images: number; small: boolean }
  | { verdict: 'crash'; stage: string; error: string };

/** Above this the built-workspace pass is skipped: a build on the in-memory workspace plans once per wave. */
const BUILD_NODES = 60;
/** A file whose images are drafted, in the long run's sample. */
const SMALL = { images: 8, bytes: 4000 };

/** The folder every case's project lives in: the source images the templates name, nothing else. */
export async function fuzzRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'aivp-fuzz-'));
  await cp(join(REPO, 'templates/short-film/refs'), join(root, 'refs'), { recursive: true });
  await cp(join(REPO, 'templates/product-ad/refs'), join(root, 'refs'), { recursive: true });
  await cp(join(REPO, 'examples'), join(root, 'examples'), { recursive: true });
  return root;
}

const describe = (err: unknown) => (err instanceof Error ? err.stack ?? `${err.name}: ${err.message}` : `thrown non-error: ${String(err)}`);

/** Case `index` of `seed`, made here: the worker spends the time, and the pool's clock stays true. */
export function runGenerated(seed: number, index: number, root: string): Promise<Outcome> {
  return runCase(fuzzCase(seed, index), root);
}

export async function runCase(text: string, root: string): Promise<Outcome> {
  let stage = 'load';
  try {
    let project: ResolvedProject;
    try {
      project = await parseProject(root, text);
    } catch (err) {
      if (err instanceof UsageError) return { verdict: 'rejected', diagnostics: err.diagnostics.length };
      throw err;
    }
    // Accepted: from here on even a UsageError is a failure (the file validated, so it must plan).
    stage = 'graph';
    const graph = buildGraph(project);
    stage = 'plan';
    const ws = new MemoryWorkspace(project);
    // The source images the loader found on disk, in memory too (the workspace reads no disk).
    for (const node of graph.nodes.values()) for (const edge of node.inputs) if (edge.file) ws.files.set(edge.file, edge.file);
    show(project, ws, await planAll(ws, graph));
    if (graph.order.length <= BUILD_NODES) {
      stage = 'build on the in-memory workspace';
      await ws.build(graph);
      stage = 'plan after the build';
      const plan = await planAll(ws, graph);
      stage = 'gallery view';
      show(project, ws, plan);
    }
    const images = [...graph.nodes.values()].filter((n) => n.media === 'image' && !n.source).reduce((s, n) => s + n.outputs.length, 0);
    const small = images > 0 && images <= SMALL.images && text.length <= SMALL.bytes;
    return { verdict: 'accepted', nodes: graph.order.length, images, small };
  } catch (err) {
    return { verdict: 'crash', stage, error: describe(err) };
  }
}

function planAll(ws: MemoryWorkspace, graph: Graph) {
  return planBuild(ws, graph, { selected: new Set(graph.order), force: new Set() });
}

/** The gallery's view model and page for the plan, every file it would show an asset. */
function show(project: ResolvedProject, ws: MemoryWorkspace, plan: Awaited<ReturnType<typeof planAll>>): void {
  const status = new Map(plan.entries.map((e) => [e.node, { status: e.status, reasons: e.reasons }]));
  const input: ViewInput = { project, records: ws.records, status, projectText: undefined };
  // Named as the gallery copies them: media/<sha256><the file's extension>.
  const assets = new Map<string, Asset>(gallerySources(input).map((s) => [s.id, { media: `media/${sha(s.id)}${s.ext}`, mediaType: 'image/png', width: 64, height: 36 }]));
  renderGallery(buildView(input, assets));
}

export type DraftOutcome = { verdict: 'drafted'; images: number } | { verdict: 'crash'; stage: string; error: string };

/**
 * Draft-builds the images of an accepted file in a fresh folder (the draft provider, offline, no
 * team cache): every image node must build and leave its files. Segments and the film are left
 * out: they need ffmpeg, which is not what this checks.
 */
export async function draftCase(text: string, root: string): Promise<DraftOutcome> {
  const dir = await mkdtemp(join(tmpdir(), 'aivp-fuzz-draft-'));
  let stage = 'load';
  try {
    await cp(root, dir, { recursive: true });
    await writeFile(join(dir, PROJECT_FILE), text);
    const project = await loadProject(dir);
    const targets = project.nodes.filter((n) => n.kind !== 'segment').map((n) => n.name);
    stage = 'draft build';
    const ctx = await BuildContext.open(project, { draft: true, targets, offline: true });
    const prepared = await ctx.prepare();
    const { refusal, unavailable } = ctx.preflight(prepared);
    if (refusal) throw new Error(`the draft build was refused: ${refusal.reason}`);
    const failures: string[] = [];
    const done = new Map<string, string[]>();
    const summary = await ctx.execute(prepared, {
      signal: new AbortController().signal, unavailable, keepGoing: true,
      emit: (e) => {
        if (e.type === 'node:failed') failures.push(`${e.node}: ${e.error}`);
        if (e.type === 'node:done') done.set(e.node, e.outputs);
      },
    });
    if (summary.failed || summary.skipped) throw new Error(`the draft build failed ${summary.failed} and skipped ${summary.skipped} nodes: ${failures.join('; ')}`);
    stage = 'draft outputs';
    let images = 0;
    for (const name of prepared.selected) {
      const node = prepared.graph.nodes.get(name)!;
      if (node.source || node.media !== 'image') continue;
      const outputs = done.get(name);
      if (!outputs?.length) throw new Error(`${name} was not drafted`);
      for (const o of outputs) await stat(join(dir, o));
      images += outputs.length;
    }
    return { verdict: 'drafted', images };
  } catch (err) {
    return { verdict: 'crash', stage, error: describe(err) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
