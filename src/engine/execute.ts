// The executor: runs stale nodes in dependency order, as parallel as the per-provider concurrency
// and `-j` allow, and keeps the summary. It re-assesses each node at dispatch with the real
// upstream outputs, so an upstream rebuilt to identical bytes stales nothing (early cutoff); the
// work on one node (restore or generate, then record) is in node-run.ts.
import { join } from 'node:path';
import TinyQueue from 'tinyqueue';
import type { Graph, GraphNode } from '../graph/types.js';
import type { Provider, ProviderId } from '../providers/types.js';
import { assess } from './assess.js';
import type { PreparedBuild } from './build.js';
import { BuildControl } from './control.js';
import type { BuildListener, BuildSummary } from './events.js';
import { ProviderSlots } from './slots.js';
import { generateNode, pickedOf, pickIndex, restoreNode, Superseded, type NodeRunContext } from './node-run.js';
import { resolveInputs } from './plan.js';
import { removeStaleTemps } from './store/atomic.js';

export interface ExecuteOptions {
  /** The plan to carry out, with its graph, workspace, selection and forced nodes. */
  prepared: PreparedBuild;
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
  /** Requests in flight per provider, shared by watch mode's successive builds. */
  slots?: ProviderSlots;
}

const DEFAULT_CONCURRENCY: Record<ProviderId, number> = { fal: 4, google: 2, draft: 4 };

type State = 'waiting' | 'running' | 'done' | 'failed' | 'skipped';

export async function executeBuild(opts: ExecuteOptions): Promise<BuildSummary> {
  const { emit, signal } = opts;
  const { ws, graph, selected, force } = opts.prepared;
  const assessments = opts.prepared.plan.assessments;
  const control = opts.control ?? new BuildControl();
  const started = Date.now();
  const summary: BuildSummary = {
    built: 0, cached: 0, uptodate: 0, failed: 0, skipped: 0, spentUsd: 0, durationMs: 0, interrupted: false,
  };
  const state = new Map<string, State>();
  /** Each finished node's picked output: its sha256, and its path relative to root. */
  const picked = new Map<string, string>();
  const pickedPath = new Map<string, string>();
  const order = graph.order.filter((n) => selected.has(n));
  // Temp files of writers killed mid-write (kill -9, power loss) are the only trace they leave.
  await Promise.all(Object.values(ws.project.paths).map((d) => removeStaleTemps(join(ws.root, d))));
  const running = new Map<string, Promise<void>>();
  const slots = opts.slots ?? new ProviderSlots();
  let stopping = false;
  const nodeCtx: NodeRunContext = {
    ws, control, providers: opts.providers, signal, emit, retryBaseMs: opts.retryBaseMs ?? 1000, pickedPath,
  };
  const concurrency = (p: ProviderId) => ws.project.providers[p]?.concurrency ?? DEFAULT_CONCURRENCY[p];

  // Dependency counting instead of rescanning: each finished node releases its dependents, so a
  // build of n nodes does O(n) scheduling work. Ready nodes wait per provider, longest remaining
  // chain first (ties in file order), which keeps the critical path busy.
  const position = new Map(order.map((n, i) => [n, i]));
  const height = chainHeights(graph, order, selected);
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
    const open = node.deps.filter((d) => selected.has(d) && !graph.nodes.get(d)!.source).length;
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
    const planned = assessments?.get(node.name);
    const record = ws.records.get(node.name);
    if (planned?.status !== 'uptodate' || !record || force.has(node.name)) return false;
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
        if (q.length && slots.inUse(p) < concurrency(p) && (!best || before(q.peek()!, best.peek()!) < 0)) best = q;
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
    slots.take(node.provider);
    let stillPaying: Promise<unknown> | undefined;
    try {
      const outcome = await runNode(node);
      if (outcome) {
        picked.set(node.name, outcome.sha256);
        pickedPath.set(node.name, outcome.path);
      }
      finish(node.name, 'done');
    } catch (err) {
      if (err instanceof Superseded || control.inflight.get(node.name)?.cancelled) {
        stillPaying = err instanceof Superseded ? err.work : undefined;
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
      // A superseded request still running at the provider keeps its slot until it lands.
      if (stillPaying) void stillPaying.then(() => slots.give(node.provider), () => slots.give(node.provider));
      else slots.give(node.provider);
    }
  };

  /** Returns the picked output's hash and path, or undefined for nothing to pass on. */
  const runNode = async (node: GraphNode): Promise<{ sha256: string; path: string } | undefined> => {
    const t0 = Date.now();
    const inputs = await resolveInputs(ws, node, picked);
    if ('pending' in inputs) throw new Error(`internal: ${node.name} dispatched before ${inputs.pending.join(', ')}`);
    const a = await assess(ws, node, inputs, force.has(node.name));
    const record = ws.records.get(node.name);
    if (a.status === 'uptodate' || a.status === 'modified' || a.status === 'source') {
      if (a.status === 'modified') emit({ type: 'warning', node: node.name, message: a.reasons[0] });
      summary.uptodate++;
      emit({ type: 'node:done', node: node.name, outcome: 'uptodate', costUsd: 0, durationMs: 0, outputs: [] });
      const path = record ? pickedOf(record).path : (await ws.untrackedOutputs(node))[pickIndex(node)]?.path;
      return a.pickedSha256 && path ? { sha256: a.pickedSha256, path } : undefined;
    }
    if (a.status === 'cached') {
      const rec = await restoreNode(nodeCtx, node, a);
      summary.cached++;
      emit({ type: 'node:done', node: node.name, outcome: 'cached', costUsd: 0, durationMs: Date.now() - t0, outputs: rec.outputs.map((o) => o.path) });
      return pickedOf(rec);
    }
    const rec = await generateNode(nodeCtx, node, a, t0);
    summary.built++;
    summary.spentUsd += rec.costUsd;
    emit({ type: 'node:done', node: node.name, outcome: 'built', costUsd: rec.costUsd, durationMs: rec.durationMs, outputs: rec.outputs.map((o) => o.path) });
    return pickedOf(rec);
  };

  const aborted = abortPromise(signal);
  while (true) {
    if (signal.aborted) {
      summary.interrupted = true;
      stopping = true;
    }
    dispatch();
    // Queued nodes may be waiting on slots a superseded request of an earlier build still holds.
    const queued = [...queues.values()].some((q) => q.length > 0);
    if (running.size === 0 && (!queued || stopping || control.draining)) break;
    // Once aborted, wait for running nodes only (their providers see the signal).
    await Promise.race(signal.aborted ? running.values() : [...running.values(), aborted, slots.freed()]);
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

/** Longest chain of selected nodes from each node to the end of the graph (1 for a sink). */
function chainHeights(graph: Graph, order: string[], selected: Set<string>): Map<string, number> {
  const height = new Map<string, number>();
  for (let i = order.length - 1; i >= 0; i--) {
    const users = (graph.dependents.get(order[i]) ?? []).filter((d) => selected.has(d));
    height.set(order[i], 1 + users.reduce((m, d) => Math.max(m, height.get(d) ?? 0), 0));
  }
  return height;
}

function abortPromise(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
