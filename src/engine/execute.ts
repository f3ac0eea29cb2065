// The executor (Ninja's Builder): runs stale nodes in dependency order, as parallel as the
// per-provider concurrency and `-j` allow. The order of work is the Schedule's (schedule.ts), what
// is reported is the BuildStatus's (status.ts), the work on one node (restore or generate, then
// record) is node-run.ts's. It re-assesses each node at dispatch with the real upstream outputs, so
// an upstream rebuilt to identical bytes stales nothing (early cutoff).
import { dirname, join } from 'node:path';
import type { GraphNode } from '../graph/types.js';
import type { Provider, ProviderId } from '../providers/types.js';
import { assess, type Assessment } from './assess.js';
import type { PreparedBuild } from './build.js';
import { BuildControl } from './control.js';
import type { BuildListener, BuildSummary } from './events.js';
import { followPick, generateNode, restoreNode, Superseded, type NodeRunContext } from './node-run.js';
import { pickedOf, pickIndex } from './pick.js';
import { resolveInputs } from './plan.js';
import { Schedule } from './schedule.js';
import { ProviderSlots } from './slots.js';
import { BuildStatus } from './status.js';
import { removeStaleTemps } from '../base/atomic.js';
import type { TeamCache } from './team.js';
import { descriptor } from '../providers/registry.js';

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
  /** Nodes that cannot run (a provider without credentials, with --keep-going): node -> why. Skipped with their dependents. */
  unavailable?: Map<string, string>;
}


/** A finished node's picked output: its sha256, and its path relative to root. */
interface Picked {
  sha256: string;
  path: string;
}

export async function executeBuild(opts: ExecuteOptions): Promise<BuildSummary> {
  const status = new BuildStatus(opts.emit);
  const { ws } = opts.prepared;
  for (const message of ws.problems) opts.emit({ type: 'warning', message });
  // Temp files of writers killed mid-write (kill -9, power loss) are the only trace they leave.
  const outputDirs = new Set([...Object.values(ws.project.paths), ...ws.project.films.map((f) => dirname(f.output!))]);
  await Promise.all([...outputDirs].map((d) => removeStaleTemps(join(ws.root, d))));
  if (ws.team) startTeamCache(ws.team, opts);
  const builder = new Builder(opts, status);
  await builder.run();
  await builder.settle();
  // Interrupted: unfinished uploads are abandoned (`aivp cache push` sends them).
  if (ws.team && !opts.signal.aborted) await ws.team.settle();
  await ws.save();
  return status.done(ws.team?.stats());
}

/** Warnings go to the build's listener; downloads start now, so restores later only copy. */
function startTeamCache(team: TeamCache, opts: ExecuteOptions): void {
  team.attach((message) => opts.emit({ type: 'warning', message }), opts.signal);
  for (const a of opts.prepared.plan.assessments.values()) {
    if (a.status === 'cached' && team.owns(a.cached!)) for (const o of a.cached!.outputs) void team.fetchBlob(o);
  }
}

class Builder {
  private readonly schedule: Schedule;
  private readonly control: BuildControl;
  private readonly slots: ProviderSlots;
  private readonly nodeCtx: NodeRunContext;
  private readonly running = new Map<string, Promise<void>>();
  /** Each finished node's picked output hash. */
  private readonly picked = new Map<string, string>();
  /** Each finished node's picked output path, relative to root. */
  private readonly pickedPath = new Map<string, string>();
  /** Nodes whose output is what the plan saw (sources, and nodes that were up to date). */
  private readonly unchanged = new Set<string>();
  /** No new node starts: a failure without --keep-going, or an interrupt. */
  private stopping = false;
  /** Provider bookkeeping written after a request's bytes arrived (fal's upload list). */
  private readonly chores = new Set<Promise<void>>();

  constructor(private readonly opts: ExecuteOptions, private readonly status: BuildStatus) {
    const { ws, graph, selected } = opts.prepared;
    this.schedule = new Schedule(graph, selected);
    for (const n of this.schedule.order) if (graph.nodes.get(n)!.source) this.unchanged.add(n);
    this.control = opts.control ?? new BuildControl();
    this.slots = opts.slots ?? new ProviderSlots();
    this.nodeCtx = {
      ws, control: this.control, providers: opts.providers, signal: opts.signal, emit: opts.emit,
      retryBaseMs: opts.retryBaseMs ?? 1000, pickedPath: this.pickedPath,
      afterwards: (work) => {
        // A failed chore costs only a cache entry (a later re-upload), never the build.
        const chore = work.catch(() => undefined);
        this.chores.add(chore);
        void chore.then(() => this.chores.delete(chore));
      },
    };
  }

  async run(): Promise<void> {
    const { signal } = this.opts;
    for (const [name, why] of this.opts.unavailable ?? []) {
      if (!this.opts.prepared.selected.has(name)) continue;
      const downstream = this.schedule.skip(name);
      // Already skipped with an upstream node: one report per node.
      if (!downstream) continue;
      this.status.skipped(name, why);
      for (const d of downstream) this.status.skipped(d, `${name} was skipped`);
    }
    const { aborted, dispose } = onAbort(signal);
    try {
      await this.loop(signal, aborted);
    } finally {
      // Watch passes one signal to every rebuild: a listener left behind per build would pile up.
      dispose();
    }
    if (this.control.draining) return;
    const reason = this.status.interrupted ? 'interrupted' : 'build stopped after a failure';
    for (const name of this.schedule.waiting()) this.status.skipped(name, reason);
  }

  private async loop(signal: AbortSignal, aborted: Promise<void>): Promise<void> {
    while (true) {
      if (signal.aborted) {
        this.status.markInterrupted();
        this.stopping = true;
      }
      this.dispatch();
      // Queued nodes may be waiting on slots a superseded request of an earlier build still holds.
      const queued = this.schedule.hasQueued();
      if (this.running.size === 0 && (!queued || this.stopping || this.control.draining)) break;
      // Once aborted, wait for running nodes only (their providers see the signal).
      await Promise.race(signal.aborted ? this.running.values() : [...this.running.values(), aborted, this.slots.freed()]);
    }
  }

  /** Released nodes settle or queue at their provider; then queued nodes start while slots are free. */
  private dispatch(): void {
    for (let node = this.schedule.nextReleased(); node; node = this.schedule.nextReleased()) {
      if (!this.settleUnchanged(node)) this.schedule.enqueue(node);
    }
    const { jobs } = this.opts;
    while (!this.stopping && !this.control.draining && (jobs === undefined || this.running.size < jobs)) {
      const node = this.schedule.start((p) => this.slots.inUse(p) < this.concurrency(p));
      if (!node) break;
      this.running.set(node.name, this.start(node));
    }
  }

  private concurrency(p: ProviderId): number {
    return this.opts.prepared.ws.project.providers[p]?.concurrency ?? descriptor(p).concurrency;
  }

  /** Up to date at plan time with every input as the plan saw it: finished without I/O or a provider slot. */
  private settleUnchanged(node: GraphNode): boolean {
    const { ws, force, plan } = this.opts.prepared;
    const planned = plan.assessments?.get(node.name);
    const record = ws.records.get(node.name);
    if (planned?.status !== 'uptodate' || !record || force.has(node.name) || record.pick !== pickIndex(node) + 1) return false;
    if (!node.deps.every((d) => this.unchanged.has(d))) return false;
    this.keepPicked(node.name, { sha256: planned.pickedSha256!, path: pickedOf(record, node).path });
    this.unchanged.add(node.name);
    this.status.upToDate(node.name);
    this.finish(node.name, 'done');
    return true;
  }

  /** One node on a provider slot, from start to how it ended. */
  private async start(node: GraphNode): Promise<void> {
    const { slots, control } = this;
    slots.take(node.provider);
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      slots.give(node.provider);
    };
    let stillPaying: Promise<unknown> | undefined;
    try {
      const outcome = await this.runNode(node, release);
      if (outcome) this.keepPicked(node.name, outcome);
      this.finish(node.name, 'done');
    } catch (err) {
      if (err instanceof Superseded || control.inflight.get(node.name)?.cancelled) {
        stillPaying = err instanceof Superseded ? err.work : undefined;
        this.finish(node.name, 'skipped');
        const reason = err instanceof Superseded ? 'superseded: result kept in the cache' : 'superseded: queued request cancelled';
        this.status.skipped(node.name, reason, false);
      } else if (this.opts.signal.aborted) {
        this.status.markInterrupted();
        this.finish(node.name, 'skipped');
        // Counted like the waiting nodes the interrupt also skipped: each node that did not run, once.
        this.status.skipped(node.name, 'interrupted');
      } else {
        this.finish(node.name, 'failed');
        this.status.failed(node.name, (err as Error).message);
        if (!this.opts.keepGoing) this.stopping = true;
      }
    } finally {
      control.inflight.delete(node.name);
      // A superseded request still running at the provider keeps its slot until it lands.
      if (stillPaying) void stillPaying.then(release, release);
      else release();
    }
  }

  /**
   * Up to date, restored or generated; returns the picked output, or undefined for nothing to pass
   * on. The provider slot is released as soon as the provider is done with the node: at once when
   * nothing is generated, when the bytes have landed otherwise.
   */
  private async runNode(node: GraphNode, release: () => void): Promise<Picked | undefined> {
    const { ws, force } = this.opts.prepared;
    const t0 = Date.now();
    const inputs = await resolveInputs(ws, node, this.picked);
    if ('pending' in inputs) throw new Error(`internal: ${node.name} dispatched before ${inputs.pending.join(', ')}`);
    let a = await assess(ws, node, inputs, force.has(node.name));
    const record = ws.records.get(node.name);
    if (a.status !== 'stale' && a.status !== 'new') release();
    if (a.status === 'uptodate' || a.status === 'modified' || a.status === 'source') {
      if (a.status === 'modified') this.opts.emit({ type: 'warning', node: node.name, message: a.reasons[0] });
      this.status.upToDate(node.name);
      const path = record ? pickedOf(await followPick(ws, node, record), node).path : (await ws.untrackedOutputs(node))[pickIndex(node)]?.path;
      return a.pickedSha256 && path ? { sha256: a.pickedSha256, path } : undefined;
    }
    if (a.status === 'cached') {
      const fromTeam = ws.team?.owns(a.cached!) ?? false;
      const rec = await restoreNode(this.nodeCtx, node, a);
      if (rec) {
        this.status.restored(node.name, rec, Date.now() - t0, fromTeam);
        return pickedOf(rec, node);
      }
      // The team cache's copy could not be had (it is off now): generate after all, on a slot again.
      a = await assess(ws, node, inputs, force.has(node.name));
      const again = await this.takeSlotAgain(node.provider);
      try {
        return await this.generate(node, a, t0, again);
      } finally {
        again();
      }
    }
    return this.generate(node, a, t0, release);
  }

  private async generate(node: GraphNode, a: Assessment, t0: number, release: () => void): Promise<Picked> {
    const rec = await generateNode(this.nodeCtx, node, a, t0, release);
    this.opts.prepared.ws.team?.publish(rec);
    this.status.built(node.name, rec);
    return pickedOf(rec, node);
  }

  /** A provider slot for a node that gave its own back before it knew it had to generate. */
  private async takeSlotAgain(p: ProviderId): Promise<() => void> {
    while (this.slots.inUse(p) >= this.concurrency(p)) await this.slots.freed();
    this.slots.take(p);
    let held = true;
    return () => {
      if (held) this.slots.give(p);
      held = false;
    };
  }

  /** Waits for the chores providers left running after their requests. */
  async settle(): Promise<void> {
    await Promise.all(this.chores);
  }

  private keepPicked(node: string, p: Picked): void {
    this.picked.set(node, p.sha256);
    this.pickedPath.set(node, p.path);
  }

  /** A node ended: running no more; a failure skips everything downstream of it. */
  private finish(name: string, s: 'done' | 'failed' | 'skipped'): void {
    this.running.delete(name);
    for (const d of this.schedule.finish(name, s)) this.status.skipped(d, `${name} failed`);
  }
}

/** Resolves on abort; `dispose` removes the listener once the build no longer waits for it. */
function onAbort(signal: AbortSignal): { aborted: Promise<void>; dispose(): void } {
  let dispose = () => {};
  const aborted = new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const listener = () => resolve();
    signal.addEventListener('abort', listener, { once: true });
    dispose = () => signal.removeEventListener('abort', listener);
  });
  return { aborted, dispose };
}
