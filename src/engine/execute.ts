// The executor: runs stale nodes in dependency order through the providers, as parallel as the
// per-provider concurrency and `-j` allow; retries, falls back, records. It re-assesses each node
// at dispatch with the real upstream outputs, so an upstream rebuilt to identical bytes stales
// nothing (early cutoff).
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import TinyQueue from 'tinyqueue';
import type { Graph, GraphNode } from '../graph/types.js';
import { canConvertTo, convertImage } from '../media/convert.js';
import { mediaTypeOf } from '../media/media-types.js';
import { probeMedia, type MediaInfo } from '../media/probe.js';
import { lookupModel, withImages } from '../providers/models.js';
import { resolveSize } from '../providers/size.js';
import { ProviderError, type GenerateRequest, type GenerateResult, type InputImage, type ModelInfo, type Provider, type ProviderId } from '../providers/types.js';
import { assess, type Assessment } from './assess.js';
import { BuildControl, inflightNode, type InflightNode } from './control.js';
import type { BuildListener, BuildSummary } from './events.js';
import { nodeEstimate, resolveInputs } from './plan.js';
import type { NodeRecord, OutputFile, RecordInput } from './record-types.js';
import { runWithRetries } from './retry.js';
import { removeStaleTemps, writeFileAtomic } from './store/atomic.js';
import { blobPath, putBlob, putKeyRecord, restoreBlob } from './store/content-cache.js';
import { readInflight, removeInflight, writeInflight } from './store/inflight.js';
import { writeRecord } from './store/records.js';
import type { Workspace } from './workspace.js';

export interface ExecuteOptions {
  ws: Workspace;
  graph: Graph;
  selected: Set<string>;
  force: Set<string>;
  providers: (id: ProviderId) => Provider;
  /** Most nodes generating at once, across providers. */
  jobs?: number;
  keepGoing?: boolean;
  signal: AbortSignal;
  emit: BuildListener;
  /** Base of the exponential backoff between retries. */
  retryBaseMs?: number;
  /** Watch mode steers the build through this. */
  control?: BuildControl;
  /** The plan's assessments: a node up to date then, with nothing upstream changed since, needs no second look. */
  assessments?: Map<string, Assessment>;
}

const DEFAULT_CONCURRENCY: Record<ProviderId, number> = { fal: 4, google: 2, draft: 4 };

type State = 'waiting' | 'running' | 'done' | 'failed' | 'skipped';

export async function executeBuild(opts: ExecuteOptions): Promise<BuildSummary> {
  const { ws, graph, emit, signal } = opts;
  const control = opts.control ?? new BuildControl();
  const started = Date.now();
  const summary: BuildSummary = {
    built: 0, cached: 0, uptodate: 0, failed: 0, skipped: 0, spentUsd: 0, durationMs: 0, interrupted: false,
  };
  const state = new Map<string, State>();
  /** Each finished node's picked output: its sha256, and its path relative to root. */
  const picked = new Map<string, string>();
  const pickedPath = new Map<string, string>();
  const order = graph.order.filter((n) => opts.selected.has(n));
  // Temp files of writers killed mid-write (kill -9, power loss) are the only trace they leave.
  await Promise.all(Object.values(ws.project.paths).map((d) => removeStaleTemps(join(ws.root, d))));
  const running = new Map<string, Promise<void>>();
  const busy = new Map<ProviderId, number>();
  let stopping = false;
  const concurrency = (p: ProviderId) => opts.ws.project.providers[p]?.concurrency ?? DEFAULT_CONCURRENCY[p];

  // Dependency counting instead of rescanning: each finished node releases its dependents, so a
  // build of n nodes does O(n) scheduling work. Ready nodes wait per provider, longest remaining
  // chain first (ties in file order), which keeps the critical path busy.
  const position = new Map(order.map((n, i) => [n, i]));
  const height = chainHeights(graph, order, opts.selected);
  const queues = new Map<ProviderId, TinyQueue<string>>();
  const before = (a: string, b: string) => height.get(b)! - height.get(a)! || position.get(a)! - position.get(b)!;
  const waitingOn = new Map<string, number>();
  /** Nodes whose output is what the plan saw (sources, and nodes that were up to date). */
  const unchanged = new Set<string>();
  const released: string[] = [];
  for (const n of order) {
    const node = graph.nodes.get(n)!;
    if (node.source) {
      state.set(n, 'done');
      unchanged.add(n);
      continue;
    }
    state.set(n, 'waiting');
    const open = node.deps.filter((d) => opts.selected.has(d) && !graph.nodes.get(d)!.source).length;
    waitingOn.set(n, open);
    if (open === 0) released.push(n);
  }

  const complete = (name: string, s: State) => {
    state.set(name, s);
    if (s === 'done') {
      for (const d of graph.dependents.get(name) ?? []) {
        if (state.get(d) !== 'waiting') continue;
        const left = waitingOn.get(d)! - 1;
        waitingOn.set(d, left);
        if (left === 0) released.push(d);
      }
    } else if (s === 'failed') {
      skipDependents(name, `${name} failed`);
    }
  };

  const skipDependents = (name: string, reason: string) => {
    const todo = [...(graph.dependents.get(name) ?? [])];
    while (todo.length) {
      const d = todo.pop()!;
      if (state.get(d) !== 'waiting') continue;
      state.set(d, 'skipped');
      summary.skipped++;
      emit({ type: 'node:skipped', node: d, reason });
      todo.push(...(graph.dependents.get(d) ?? []));
    }
  };

  /** Up to date at plan time with every input as the plan saw it: finished without I/O or a provider slot. */
  const settleUnchanged = (node: GraphNode): boolean => {
    const planned = opts.assessments?.get(node.name);
    const record = ws.records.get(node.name);
    if (planned?.status !== 'uptodate' || !record || opts.force.has(node.name)) return false;
    if (!node.deps.every((d) => unchanged.has(d))) return false;
    picked.set(node.name, planned.pickedSha256!);
    pickedPath.set(node.name, pickedOf(record).path);
    unchanged.add(node.name);
    summary.uptodate++;
    emit({ type: 'node:done', node: node.name, outcome: 'uptodate', costUsd: 0, durationMs: 0, outputs: [] });
    complete(node.name, 'done');
    return true;
  };

  /** Released nodes settle or queue at their provider; then queued nodes start while slots are free. */
  const dispatch = () => {
    while (released.length) {
      const node = graph.nodes.get(released.pop()!)!;
      if (settleUnchanged(node)) continue;
      let q = queues.get(node.provider);
      if (!q) queues.set(node.provider, (q = new TinyQueue<string>([], before)));
      q.push(node.name);
    }
    while (!stopping && !control.draining && (opts.jobs === undefined || running.size < opts.jobs)) {
      let best: TinyQueue<string> | undefined;
      for (const [p, q] of queues) {
        if (q.length && (busy.get(p) ?? 0) < concurrency(p) && (!best || before(q.peek()!, best.peek()!) < 0)) best = q;
      }
      if (!best) break;
      const node = graph.nodes.get(best.pop()!)!;
      state.set(node.name, 'running');
      running.set(node.name, run(node));
    }
  };

  const finish = (name: string, s: State) => {
    running.delete(name);
    complete(name, s);
  };

  const run = async (node: GraphNode): Promise<void> => {
    busy.set(node.provider, (busy.get(node.provider) ?? 0) + 1);
    try {
      const outcome = await runNode(node);
      if (outcome) {
        picked.set(node.name, outcome.sha256);
        pickedPath.set(node.name, outcome.path);
      }
      finish(node.name, 'done');
    } catch (err) {
      if (err instanceof Superseded || control.inflight.get(node.name)?.cancelled) {
        finish(node.name, 'skipped');
        const reason = err instanceof Superseded ? 'superseded: result kept in the cache' : 'superseded: queued request cancelled';
        emit({ type: 'node:skipped', node: node.name, reason });
      } else if (signal.aborted) {
        summary.interrupted = true;
        finish(node.name, 'skipped');
        emit({ type: 'node:skipped', node: node.name, reason: 'interrupted' });
      } else {
        summary.failed++;
        finish(node.name, 'failed');
        emit({ type: 'node:failed', node: node.name, error: (err as Error).message });
        if (!opts.keepGoing) stopping = true;
      }
    } finally {
      control.inflight.delete(node.name);
      busy.set(node.provider, busy.get(node.provider)! - 1);
    }
  };

  /** Returns the picked output's hash and path, or undefined for nothing to pass on. */
  const runNode = async (node: GraphNode): Promise<{ sha256: string; path: string } | undefined> => {
    const t0 = Date.now();
    const inputs = await resolveInputs(ws, node, picked);
    if ('pending' in inputs) throw new Error(`internal: ${node.name} dispatched before ${inputs.pending.join(', ')}`);
    const a = await assess(ws, node, inputs, opts.force.has(node.name));
    const record = ws.records.get(node.name);
    if (a.status === 'uptodate' || a.status === 'modified' || a.status === 'source') {
      if (a.status === 'modified') emit({ type: 'warning', node: node.name, message: a.reasons[0] });
      summary.uptodate++;
      emit({ type: 'node:done', node: node.name, outcome: 'uptodate', costUsd: 0, durationMs: 0, outputs: [] });
      const path = record?.outputs[(record.pick ?? 1) - 1]?.path ?? (await ws.untrackedOutputs(node))[pickIndex(node)]?.path;
      return a.pickedSha256 && path ? { sha256: a.pickedSha256, path } : undefined;
    }
    if (a.status === 'cached') {
      const rec = await restore(node, a);
      summary.cached++;
      emit({ type: 'node:done', node: node.name, outcome: 'cached', costUsd: 0, durationMs: Date.now() - t0, outputs: rec.outputs.map((o) => o.path) });
      return pickedOf(rec);
    }
    const rec = await generate(node, a, t0);
    summary.built++;
    summary.spentUsd += rec.costUsd;
    emit({ type: 'node:done', node: node.name, outcome: 'built', costUsd: rec.costUsd, durationMs: rec.durationMs, outputs: rec.outputs.map((o) => o.path) });
    return pickedOf(rec);
  };

  const restore = async (node: GraphNode, a: Assessment): Promise<NodeRecord> => {
    const cached = a.cached!;
    const outputs: OutputFile[] = [];
    for (const [i, o] of cached.outputs.entries()) {
      const path = withExt(node.outputs[i] ?? node.outputs[0], extOf(o.path));
      if ((await ws.hash(path)) !== o.sha256) await restoreBlob(ws.root, o.sha256, join(ws.root, path));
      outputs.push({ ...o, path });
    }
    const rec: NodeRecord = { ...cached, node: node.name, kind: node.kind, outputs, pick: pickIndex(node) + 1, restoredAt: new Date().toISOString() };
    await commitRecord(node, rec);
    return rec;
  };

  const generate = async (node: GraphNode, a: Assessment, t0: number): Promise<NodeRecord> => {
    // Snapshot inputs into the content cache: a file edited during generation is never recorded
    // as the input of this output, and providers read immutable copies.
    const images: InputImage[] = [];
    const inputs: RecordInput[] = [];
    for (const [i, edge] of node.inputs.entries()) {
      const rel = edge.file ?? pickedPath.get(edge.node) ?? ws.records.get(edge.node)?.outputs[0]?.path;
      if (!rel) throw new Error(`input ${edge.node} has no output`);
      const sha256 = await putBlob(ws.root, join(ws.root, rel));
      inputs.push({ ...a.inputs[i], sha256 });
      images.push({ name: edge.label, path: blobPath(ws.root, sha256), sha256, mediaType: mediaTypeOf(rel) });
    }
    const assessed = inputs.some((inp, i) => inp.sha256 !== a.inputs[i].sha256) ? await assess(ws, node, inputs, true) : a;
    await saveHandEdits(node);

    const kind = node.spec.kind === 'segment' ? 'video' : 'image';
    const models = [node.model, ...(node.model === 'draft' ? [] : node.spec.fallback)];
    const steer = inflightNode(assessed.key);
    control.inflight.set(node.name, steer);
    const generation = runWithRetries({
      models,
      retries: node.spec.retries,
      baseMs: opts.retryBaseMs ?? 1000,
      signal: AbortSignal.any([signal, steer.controller.signal]),
      timeoutMs: node.spec.timeout !== undefined ? node.spec.timeout * 1000 : undefined,
      onRetry: (attempt, delayMs, error) => emit({ type: 'node:retry', node: node.name, attempt, delayMs, error }),
      onFallback: (from, to, error) => emit({ type: 'node:fallback', node: node.name, from, to, error }),
      attempt: async (modelId, attemptSignal, attemptNo): Promise<Probed> => {
        const info = withImages(lookupModel(modelId, kind)!.info, images.length);
        emit({ type: 'node:start', node: node.name, provider: info.provider, model: modelId, attempt: attemptNo });
        const provider = opts.providers(info.provider);
        // Read per attempt: a retry after a timeout or a dropped poll re-attaches to the request
        // already paid for instead of submitting again.
        const inflight = await readInflight(ws.root, assessed.key);
        const result = await provider.generate(request(node, info, images), {
          signal: attemptSignal,
          onProgress: (progress) => {
            steer.state = progress.state;
            emit({ type: 'node:progress', node: node.name, progress });
          },
          onSubmitted: (requestId) =>
            writeInflight(ws.root, {
              node: node.name, key: assessed.key, provider: info.provider, model: modelId, requestId,
              submittedAt: new Date().toISOString(),
            }),
          resume: modelId === inflight?.model ? inflight.requestId : undefined,
        });
        return matchFixedExtensions(node, { ...result, media: await probeAll(modelId, result) });
      },
    }).then(({ result, model }) => keep(node, assessed, steer, result, model, t0));
    return Promise.race([
      generation,
      steer.whenDetached.then(() => {
        // The build moves on; the paid request still finishes into the cache.
        control.detachedWork.add(generation);
        void generation.finally(() => control.detachedWork.delete(generation)).catch(() => undefined);
        throw new Superseded();
      }),
    ]);
  };

  /** Outputs into the workspace and the record, or into the cache only when superseded while running. */
  const keep = async (node: GraphNode, assessed: Assessment, steer: InflightNode, result: Probed, model: string, t0: number): Promise<NodeRecord> => {
    const detached = steer.detached;
    steer.state = 'storing';
    const kind = node.spec.kind === 'segment' ? 'video' : 'image';
    const outputs: OutputFile[] = [];
    for (const [i, file] of result.files.entries()) {
      const media = result.media[i];
      const path = withExt(node.outputs[i] ?? `${node.outputs[0]}_${i + 1}`, media.ext);
      const sha256 = await putBlob(ws.root, file.bytes);
      outputs.push({ path, sha256, bytes: file.bytes.length, width: media.width, height: media.height, mediaType: media.mediaType });
    }
    const spec = node.spec;
    const rec: NodeRecord = {
      aivp: 1,
      node: node.name,
      kind: node.kind,
      key: assessed.key,
      provider: lookupModel(model, kind)!.info.provider,
      model,
      prompt: spec.prompt,
      params: JSON.parse(JSON.stringify(paramsOf(node))),
      seedRequested: spec.kind === 'segment' ? undefined : spec.seed,
      seed: result.seed ?? (spec.kind === 'segment' ? undefined : spec.seed),
      inputs: assessed.inputs,
      outputs,
      pick: Math.min(pickIndex(node) + 1, outputs.length),
      requestId: result.requestId,
      costUsd: result.costUsd ?? nodeEstimate(ws, node) ?? 0,
      durationMs: Date.now() - t0,
      createdAt: new Date().toISOString(),
    };
    // The cache knows this generation before the workspace changes: outputs left by a build killed
    // before its record is written are then recognised (and recorded) by the next build.
    await putKeyRecord(ws.root, rec);
    if (detached) {
      // Superseded while running: paid anyway, so kept in the cache (an undo restores it), not the workspace.
      await removeInflight(ws.root, assessed.key);
      control.detachedSpentUsd += rec.costUsd;
      throw new Superseded();
    }
    for (const [i, file] of result.files.entries()) await writeFileAtomic(join(ws.root, outputs[i].path), file.bytes);
    await commitRecord(node, rec);
    await removeInflight(ws.root, assessed.key);
    return rec;
  };

  /** The bytes a user put at an output path go to the cache before anything overwrites them. */
  const saveHandEdits = async (node: GraphNode) => {
    const rec = ws.records.get(node.name);
    const paths = rec ? rec.outputs.map((o) => o.path) : (await ws.untrackedOutputs(node)).map((o) => o.path);
    for (const p of paths) {
      if ((await ws.hash(p)) !== undefined) await putBlob(ws.root, join(ws.root, p));
    }
  };

  /** Record written last, after every output is in place; outputs of the previous record that are gone from the new one are removed (they are in the cache). */
  const commitRecord = async (node: GraphNode, rec: NodeRecord) => {
    const previous = ws.records.get(node.name);
    await writeRecord(ws.root, ws.project.paths.metadata, rec);
    await putKeyRecord(ws.root, rec);
    ws.records.set(node.name, rec);
    const keep = new Set(rec.outputs.map((o) => o.path));
    for (const o of previous?.outputs ?? []) {
      if (!keep.has(o.path)) await rm(join(ws.root, o.path), { force: true });
    }
  };

  const aborted = abortPromise(signal);
  while (true) {
    if (signal.aborted) {
      summary.interrupted = true;
      stopping = true;
    }
    dispatch();
    if (running.size === 0) break;
    // Once aborted, wait for running nodes only (their providers see the signal).
    await Promise.race(signal.aborted ? running.values() : [...running.values(), aborted]);
  }
  for (const name of order) {
    if (state.get(name) === 'waiting' && !control.draining) {
      summary.skipped++;
      emit({ type: 'node:skipped', node: name, reason: summary.interrupted ? 'interrupted' : 'build stopped after a failure' });
    }
  }
  await ws.save();
  summary.spentUsd = Math.round(summary.spentUsd * 10_000) / 10_000;
  summary.durationMs = Date.now() - started;
  emit({ type: 'build:done', summary });
  return summary;
}

class Superseded extends Error {}

/** Longest chain of selected nodes from each node to the end of the graph (1 for a sink). */
function chainHeights(graph: Graph, order: string[], selected: Set<string>): Map<string, number> {
  const height = new Map<string, number>();
  for (let i = order.length - 1; i >= 0; i--) {
    const users = (graph.dependents.get(order[i]) ?? []).filter((d) => selected.has(d));
    height.set(order[i], 1 + users.reduce((m, d) => Math.max(m, height.get(d) ?? 0), 0));
  }
  return height;
}

/** A provider's result with the media type of each file, checked before anything is written. */
type Probed = GenerateResult & { media: MediaInfo[] };

/**
 * Every file is checked before any is kept, so a cut-off download or an HTML page never becomes
 * an output, and one bad take never leaves the others half-applied. Retryable: a new attempt
 * usually gets good bytes.
 */
async function probeAll(model: string, result: GenerateResult): Promise<MediaInfo[]> {
  if (result.files.length === 0) throw new ProviderError(`${model} returned no output`, { retryable: false });
  try {
    return await Promise.all(result.files.map((f) => probeMedia(f.bytes)));
  } catch (err) {
    throw new ProviderError(`${model} sent a bad file: ${(err as Error).message}`, { retryable: true });
  }
}

/** An output path with its own extension (`file: refs/heroine.png`) gets bytes of that format. */
async function matchFixedExtensions(node: GraphNode, result: Probed): Promise<Probed> {
  const files = [...result.files];
  const media = [...result.media];
  for (const [i, m] of media.entries()) {
    const fixed = /\.([a-z0-9]+)$/i.exec(node.outputs[i] ?? '')?.[1].toLowerCase();
    const same = fixed === m.ext || (fixed === 'jpeg' && m.ext === 'jpg');
    if (!fixed || same || m.kind !== 'image' || !canConvertTo(fixed)) continue;
    const bytes = await convertImage(files[i].bytes, fixed);
    files[i] = { ...files[i], bytes };
    media[i] = await probeMedia(bytes);
  }
  return { ...result, files, media };
}

function request(node: GraphNode, info: ModelInfo, images: InputImage[]): GenerateRequest {
  const spec = node.spec;
  const byRole = (role: string) => images.filter((_, i) => node.inputs[i].role === role);
  if (spec.kind === 'segment') {
    return {
      node: node.name, model: info, prompt: spec.prompt, numImages: 1, refs: [], keyframes: byRole('keyframe'),
      duration: spec.duration, aspectRatio: spec.aspect_ratio, params: spec.params,
    };
  }
  return {
    node: node.name, model: info, prompt: spec.prompt, seed: spec.seed,
    size: spec.size !== undefined ? resolveSize(spec.size) : undefined, numImages: spec.num_images,
    input: byRole('input')[0], refs: byRole('ref'), mask: byRole('mask')[0], keyframes: [], params: spec.params,
  };
}

function paramsOf(node: GraphNode) {
  const spec = node.spec;
  return spec.kind === 'segment'
    ? { duration: spec.duration, aspect_ratio: spec.aspect_ratio, params: spec.params }
    : { size: spec.size, num_images: spec.num_images, params: spec.params };
}

function pickIndex(node: GraphNode): number {
  return node.spec.kind === 'segment' ? 0 : node.spec.pick - 1;
}

function pickedOf(rec: NodeRecord): { sha256: string; path: string } {
  const o = rec.outputs[rec.pick - 1] ?? rec.outputs[0];
  return { sha256: o.sha256, path: o.path };
}

function extOf(path: string): string {
  const m = /\.([a-z0-9]+)$/i.exec(path);
  return m ? m[1].toLowerCase() : 'bin';
}

/** Planned outputs without an extension take the one of the bytes received. */
function withExt(planned: string, ext: string): string {
  return /\.[a-z0-9]+$/i.test(planned.split('/').pop()!) ? planned : `${planned}.${ext}`;
}

function abortPromise(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
