// Running one node: restoring it from the content cache, or generating it through the providers
// (input snapshots, retries and fallback, re-attaching to paid requests) and keeping the result:
// outputs in place first, the record last.
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { recordParams, seedOf } from '../graph/keys.js';
import type { GraphNode } from '../graph/types.js';
import { declaredDuration } from '../project/film.js';
import { inFormatOf } from '../media/convert.js';
import { mediaTypeOf } from '../media/media-types.js';
import { probeMedia, type MediaInfo } from '../media/probe.js';
import { lookupModel, withImages } from '../providers/models.js';
import { resolveSize } from '../providers/size.js';
import { ProviderError, type GenerateRequest, type GenerateResult, type FilmEdit, type InputImage, type ModelInfo, type Provider, type ProviderId } from '../providers/types.js';
import { assess, type Assessment } from './assess.js';
import { inflightNode, type BuildControl, type InflightNode } from './control.js';
import type { BuildListener } from './events.js';
import { pickIndex } from './pick.js';
import { modelEstimate } from './budget.js';
import type { NodeRecord, OutputFile, RecordInput } from './record-types.js';
import { runWithRetries } from './retry.js';
import { writeFileAtomic } from '../base/atomic.js';
import { checkFolder } from '../base/inside.js';
import { blobPath, hasBlob, putBlob, putKeyRecord, restoreBlob } from './store/content-cache.js';
import { readInflight, removeInflight, writeInflight } from './store/inflight.js';
import { writeRecord } from './store/records.js';
import type { Workspace } from './workspace.js';

export interface NodeRunContext {
  ws: Workspace;
  control: BuildControl;
  providers: (id: ProviderId) => Provider;
  signal: AbortSignal;
  emit: BuildListener;
  retryBaseMs: number;
  /** Where each finished upstream node's picked output is, relative to root. */
  pickedPath: Map<string, string>;
  /** Hands over work that must finish before the build ends but not before the next request. */
  afterwards(work: Promise<void>): void;
}

/** A node superseded while running (watch mode): its result goes to the cache only. */
export class Superseded extends Error {
  /** The paid request still finishing (into the cache), when the build stopped waiting for it. */
  readonly work?: Promise<unknown>;
  constructor(work?: Promise<unknown>) {
    super('superseded');
    this.work = work;
  }
}

/**
 * Outputs restored from the content cache under this node's paths, and its record. A record from
 * the team cache first brings every missing blob into the local cache; undefined when one could
 * not be had (the team cache is off from then on, and the caller generates instead).
 */
export async function restoreNode(ctx: NodeRunContext, node: GraphNode, a: Assessment): Promise<NodeRecord | undefined> {
  const { ws } = ctx;
  const cached = a.cached!;
  const team = ws.team?.owns(cached) ? ws.team : undefined;
  const paths = cached.outputs.map((o, i) => withExt(node.outputs[i] ?? node.outputs[0], extOf(o.path)));
  const missing = await Promise.all(cached.outputs.map(async (o, i) => (await ws.hash(paths[i])) !== o.sha256));
  if (team) {
    const fetched = await Promise.all(cached.outputs.map((o, i) => !missing[i] || team.fetchBlob(o)));
    if (!fetched.every(Boolean)) return undefined;
    // Later builds restore it locally, even offline.
    await putKeyRecord(ws.root, cached);
  }
  for (const [i, o] of cached.outputs.entries()) if (missing[i]) await restoreBlob(ws.root, o.sha256, join(ws.root, paths[i]));
  const outputs: OutputFile[] = cached.outputs.map((o, i) => ({ ...o, path: paths[i] }));
  const rec: NodeRecord = { ...cached, node: node.name, kind: node.kind, outputs, pick: pickIndex(node) + 1, restoredAt: new Date().toISOString() };
  await commitRecord(ws, node, rec);
  return rec;
}

/**
 * Generates through the providers (retries, fallback, re-attach), then keeps the result.
 * `landed` is called once the provider's bytes have arrived and probed as media: the provider
 * slot is free from then on, while the outputs, blobs and record are written.
 */
export async function generateNode(ctx: NodeRunContext, node: GraphNode, a: Assessment, t0: number, landed: () => void): Promise<NodeRecord> {
  const { ws, control, emit } = ctx;
  // Snapshot inputs into the content cache: a file edited during generation is never recorded
  // as the input of this output, and providers read immutable copies.
  const images: InputImage[] = [];
  const inputs: RecordInput[] = [];
  for (const [i, edge] of node.inputs.entries()) {
    // Every upstream finished before this node was dispatched, so its picked output is known.
    const rel = edge.file ?? ctx.pickedPath.get(edge.node);
    if (!rel) throw new Error(`input ${edge.node} has no output`);
    // Usually the content the node was assessed with is cached already (upstream outputs are):
    // that copy is the snapshot, and nothing is read or copied.
    const known = a.inputs[i].sha256;
    const sha256 = known && (await hasBlob(ws.root, known)) ? known : await putBlob(ws.root, join(ws.root, rel));
    inputs.push({ ...a.inputs[i], sha256 });
    images.push({ name: edge.label, path: blobPath(ws.root, sha256), sha256, mediaType: mediaTypeOf(rel) });
  }
  const assessed = inputs.some((inp, i) => inp.sha256 !== a.inputs[i].sha256) ? await assess(ws, node, inputs, true) : a;
  await saveHandEdits(ws, node);

  const kind = node.media;
  const models = node.models;
  const steer = inflightNode(assessed.key);
  control.inflight.set(node.name, steer);
  const generation = runWithRetries({
    models,
    retries: node.spec.retries,
    baseMs: ctx.retryBaseMs,
    signal: AbortSignal.any([ctx.signal, steer.controller.signal]),
    timeoutMs: node.spec.timeout !== undefined ? node.spec.timeout * 1000 : undefined,
    onRetry: (attempt, delayMs, error) => emit({ type: 'node:retry', node: node.name, attempt, delayMs, error }),
    onFallback: (from, to, error) => emit({ type: 'node:fallback', node: node.name, from, to, error }),
    attempt: async (modelId, attemptSignal, attemptNo): Promise<Probed> => {
      const info = withImages(lookupModel(modelId, kind)!.info, images.length);
      emit({ type: 'node:start', node: node.name, provider: info.provider, model: modelId, attempt: attemptNo });
      const provider = ctx.providers(info.provider);
      // Read per attempt: a retry after a timeout or a dropped poll re-attaches to the request
      // already paid for instead of submitting again.
      const inflight = await readInflight(ws.root, assessed.key);
      const req = request(node, info, images, ws.records.get(node.name)?.seed);
      const result = await provider.generate(req, {
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
      if (result.pending) ctx.afterwards(result.pending);
      const media = await probeAll(modelId, result);
      landed();
      // The seed sent is the seed used, unless the provider says otherwise (a model that takes none used none).
      return matchFixedExtensions(node, { ...result, seed: result.seed ?? (info.seed ? req.seed : undefined), media });
    },
  }).then(
    ({ result, model }) => keep(ctx, node, assessed, steer, result, model, t0),
    async (err: unknown) => {
      // A request cancelled while still queued (superseded, or Ctrl-C) is not paid and cannot be
      // re-attached to: forgotten at once. One already running is paid: its record stays.
      if (cancelledQueued(steer, ctx.signal)) await removeInflight(ws.root, assessed.key);
      throw err;
    },
  );
  return Promise.race([
    generation,
    steer.whenDetached.then(() => {
      // The build moves on; the paid request still finishes into the cache.
      control.detachedWork.add(generation);
      void generation.finally(() => control.detachedWork.delete(generation)).catch(() => undefined);
      throw new Superseded(generation);
    }),
  ]);
}

/**
 * Cancelled by watch before it ran, or stopped by Ctrl-C while the provider said it was queued:
 * the provider cancelled it (fal queue cancel). A request whose state is not known yet keeps its
 * record: it may be running, and re-attaching costs nothing if it was cancelled after all.
 */
function cancelledQueued(steer: InflightNode, signal: AbortSignal): boolean {
  return steer.cancelled || (signal.aborted && steer.state === 'queued');
}

/** Outputs into the workspace and the record, or into the cache only when superseded while running. */
async function keep(ctx: NodeRunContext, node: GraphNode, assessed: Assessment, steer: InflightNode, result: Probed, model: string, t0: number): Promise<NodeRecord> {
  const { ws, control } = ctx;
  const detached = steer.detached;
  steer.state = 'storing';
  const kind = node.media;
  const outputs: OutputFile[] = [];
  for (const [i, file] of result.files.entries()) {
    const media = result.media[i];
    const path = withExt(node.outputs[i] ?? `${node.outputs[0]}_${i + 1}`, media.ext);
    const sha256 = await putBlob(ws.root, file.bytes);
    outputs.push({ path, sha256, bytes: file.bytes.length, width: media.width, height: media.height, mediaType: media.mediaType });
  }
  const spec = node.spec;
  const info = lookupModel(model, kind)!.info;
  const rec: NodeRecord = {
    aivp: 1,
    node: node.name,
    kind: node.kind,
    key: assessed.key,
    provider: info.provider,
    model,
    prompt: spec.prompt,
    params: recordParams(node),
    seedRequested: seedOf(spec),
    // A model that takes no seed (OpenAI, Kling, Veo by API key) was not sent one: none is recorded.
    seed: result.seed ?? (info.seed ? seedOf(spec) : undefined),
    inputs: assessed.inputs,
    outputs,
    pick: Math.min(pickIndex(node) + 1, outputs.length),
    requestId: result.requestId,
    costUsd: result.costUsd ?? modelEstimate(ws.project, node, model) ?? 0,
    durationMs: Date.now() - t0,
    createdAt: new Date().toISOString(),
    ...(node.kind === 'film' ? { draft: node.deps.some((d) => ws.records.get(d)?.provider === 'draft'), cut: result.cut } : {}),
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
  for (const [i, file] of result.files.entries()) await writeFileAtomic(join(ws.root, outputs[i].path), file.bytes, { inside: ws.root });
  await commitRecord(ws, node, rec);
  await removeInflight(ws.root, assessed.key);
  return rec;
}

/** The bytes a user put at an output path go to the cache before anything overwrites them. */
async function saveHandEdits(ws: Workspace, node: GraphNode): Promise<void> {
  const rec = ws.records.get(node.name);
  const paths = rec ? rec.outputs.map((o) => o.path) : (await ws.untrackedOutputs(node)).map((o) => o.path);
  for (const p of paths) {
    // With the hash known, bytes already in the cache (the usual case) are not read again.
    const sha256 = await ws.hash(p);
    if (sha256 !== undefined) await putBlob(ws.root, join(ws.root, p), sha256);
  }
}

/** Record written last, after every output is in place; outputs of the previous record that are gone from the new one are removed (they are in the cache). */
async function commitRecord(ws: Workspace, node: GraphNode, rec: NodeRecord): Promise<void> {
  const previous = ws.records.get(node.name);
  await writeRecord(ws.root, ws.project.paths.metadata, rec);
  ws.records.set(node.name, rec);
  const keep = new Set(rec.outputs.map((o) => o.path));
  for (const o of previous?.outputs ?? []) {
    if (keep.has(o.path)) continue;
    checkFolder(ws.root, dirname(join(ws.root, o.path)));
    await rm(join(ws.root, o.path), { force: true });
  }
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
    const bytes = await inFormatOf(node.outputs[i] ?? '', files[i].bytes, m);
    if (!bytes) continue;
    files[i] = { ...files[i], bytes };
    media[i] = await probeMedia(bytes);
  }
  return { ...result, files, media };
}

/**
 * The request for one attempt. An image node that asks for no seed is sent the one its record
 * holds (`kept`), so a prompt tweak keeps the composition; the seed never enters the key, so
 * renaming stays free, and a node never built gets the provider's (or a random) one.
 */
function request(node: GraphNode, info: ModelInfo, images: InputImage[], kept: number | undefined): GenerateRequest {
  const spec = node.spec;
  const byRole = (role: string) => images.filter((_, i) => node.inputs[i].role === role);
  if (spec.kind === 'segment') {
    return {
      node: node.name, model: info, prompt: spec.prompt, numImages: 1, refs: [], keyframes: byRole('keyframe'),
      // A draft clip lasts what the segment's own model would make, so a draft film has the real timings.
      duration: spec.duration ?? (info.provider === 'draft' ? declaredDuration(spec) : undefined),
      aspectRatio: spec.aspect_ratio, audio: spec.audio, params: spec.params,
    };
  }
  if (spec.kind === 'film') {
    const audio = byRole('audio')[0];
    const film: FilmEdit = {
      clips: byRole('clip'), transition: spec.transition, size: spec.size, fps: spec.fps,
      audio: audio && spec.audio ? { file: audio, volume: spec.audio.volume } : undefined,
    };
    return { node: node.name, model: info, numImages: 1, refs: [], keyframes: [], params: {}, film };
  }
  return {
    node: node.name, model: info, prompt: spec.prompt, seed: spec.seed ?? (info.seed ? kept : undefined),
    size: spec.size !== undefined ? resolveSize(spec.size) : undefined, numImages: spec.num_images,
    input: byRole('input')[0], refs: byRole('ref'), mask: byRole('mask')[0], keyframes: [], params: spec.params,
  };
}

/** A record written under another `pick` is rewritten to the current one: the take changed, nothing is generated. */
export async function followPick(ws: Workspace, node: GraphNode, rec: NodeRecord): Promise<NodeRecord> {
  const pick = Math.min(pickIndex(node) + 1, rec.outputs.length);
  if (rec.pick === pick) return rec;
  const moved = { ...rec, pick };
  await commitRecord(ws, node, moved);
  return moved;
}

function extOf(path: string): string {
  const m = /\.([a-z0-9]+)$/i.exec(path);
  return m ? m[1].toLowerCase() : 'bin';
}

/** Planned outputs without an extension take the one of the bytes received. */
function withExt(planned: string, ext: string): string {
  return /\.[a-z0-9]+$/i.test(planned.split('/').pop()!) ? planned : `${planned}.${ext}`;
}
