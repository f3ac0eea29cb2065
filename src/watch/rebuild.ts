// One rebuild at a time: plan the edited project, refuse what must not start (budget, keys),
// run the build, and supersede in-flight work whose key the next edit changed (cancel if still
// queued, let it finish into the cache if already running). Every plan starts from what the
// previous ones read (WorkspaceState): the cost of a re-plan follows the edit, not the project.
import { BuildContext } from '../context/context.js';
import { formatUsd } from '../base/money.js';
import { BuildControl } from '../engine/control.js';
import { ProviderSlots } from '../engine/slots.js';
import type { Workspace, WorkspaceState } from '../engine/workspace.js';
import type { ResolvedProject } from '../project/types.js';
import type { WatchLedger } from './ledger.js';
import type { OwnWrites } from './own-writes.js';
import type { WatchOptions } from './options.js';

interface Running {
  control: BuildControl;
  done: Promise<void>;
}

export class Rebuilds {
  private current: Running | undefined;
  /** The latest build with what it does after it ends (keeping hashes), which outlives `current`. */
  private last: Promise<void> = Promise.resolve();
  // One set of provider slots for the session: superseded requests still running count against concurrency.
  private readonly slots = new ProviderSlots();
  /** Superseded work still finishing into the cache, per build. */
  private readonly detached = new Set<Promise<void>>();

  constructor(
    private readonly opts: WatchOptions,
    private readonly ledger: WatchLedger,
    private readonly own: OwnWrites,
    /** Records and stat cache of the session, shared by every plan and build of it. */
    private readonly state: WorkspaceState,
  ) {}

  /** The running build, if any: resolves when it has ended. */
  get building(): Promise<void> | undefined {
    return this.current?.done;
  }

  /** What is in flight, for the log line of a change while building. */
  inFlight(): string {
    return [...(this.current?.control.inflight ?? [])]
      .map(([node, n]) => `${node} (${n.state === 'starting' || n.state === 'submitting' ? 'starting' : n.state})`)
      .join(', ');
  }

  /** In-flight nodes whose key the edited project no longer wants: cancelled if queued, detached if running. */
  async supersede(project: ResolvedProject): Promise<void> {
    const { opts } = this;
    if (!this.current || this.current.control.inflight.size === 0) return;
    // The running build saves the stat cache this plan shares when it ends.
    const ctx = await BuildContext.open(project, { draft: opts.draft, targets: opts.targets, offline: true }, opts.overrides);
    const { plan } = await ctx.prepare(this.state);
    const keys = new Map(plan.entries.map((e) => [e.node, e.key]));
    for (const [node, n] of this.current?.control.inflight ?? []) {
      if (keys.get(node) === n.key) continue;
      const outcome = this.current!.control.supersede(node);
      if (outcome === 'cancelled') opts.log(`watch: ${node} changed while queued: request cancelled`);
      if (outcome === 'detached') opts.log(`watch: ${node} changed while running: it finishes into the cache only (it is paid anyway)`);
    }
  }

  /** The running build starts nothing new and ends; resolves when it has. */
  async drain(): Promise<void> {
    if (!this.current) return;
    this.current.control.drain();
    await this.current.done;
  }

  /** The project's state is known (built, or found up to date): the gallery follows. */
  private async refresh(project: ResolvedProject): Promise<void> {
    await this.opts.onSettled?.(project, this.ledger.failed).catch((err: unknown) => this.opts.log(`watch: gallery not updated: ${(err as Error).message}`));
  }

  /** Plans the project and starts its build when there is work and nothing refuses it. */
  async start(project: ResolvedProject): Promise<void> {
    const { opts, ledger } = this;
    // Opened at every rebuild: an edit to `.env` or the project file takes effect at once.
    const ctx = await BuildContext.open(project, { draft: opts.draft, targets: opts.targets }, opts.overrides);
    const prepared = await ctx.prepare(this.state);
    this.own.expect(prepared.graph);
    ledger.follow(prepared.graph);
    const work = prepared.plan.entries.filter((e) => ['new', 'stale', 'cached'].includes(e.status));
    // A build saves the stat cache when it ends: no write before its first request.
    if (work.length === 0) {
      await prepared.ws.save();
      await this.refresh(project);
      opts.log(ledger.status('up to date'));
      return;
    }
    // The same checks as `aivp build`; missing keys refuse the rebuild (adding them to `.env` resumes).
    const { refusal } = ctx.preflight(prepared);
    if (refusal) {
      await prepared.ws.save();
      opts.log(`watch: ${refusal.reason.split('\n').join('; ')}; nothing was generated`);
      opts.log(ledger.status('not built'));
      return;
    }
    const control = new BuildControl();
    const landed: string[] = [];
    const { estimateUsd, unpriced } = prepared.plan;
    const estimate = estimateUsd || unpriced.length ? ` (estimate ${formatUsd(estimateUsd)}${unpriced.length ? ' + unknown' : ''})` : '';
    opts.log(`watch: building ${work.map((e) => e.node).join(', ')}${estimate}`);
    opts.emit({ type: 'plan', entries: prepared.plan.entries, estimateUsd: prepared.plan.estimateUsd });
    const done = ctx.execute(prepared, {
      keepGoing: true,
      signal: opts.signal,
      emit: (e) => {
        ledger.observe(e);
        if (e.type === 'node:done') {
          this.own.wrote(prepared.ws.records.get(e.node));
          landed.push(...e.outputs);
        }
        opts.emit(e);
      },
      control,
      slots: this.slots,
    }).then(
      async (summary) => {
        ledger.spentUsd += summary.spentUsd;
        if (this.current?.control === control) this.current = undefined;
        await this.refresh(project);
        opts.log(ledger.status(`${summary.built} built, ${summary.cached} from cache${summary.team?.restored ? ` (${summary.team.restored} from team cache)` : ''}${summary.interrupted ? ', interrupted' : ''}`));
        await this.keepHashes(prepared.ws, landed);
      },
      (err: unknown) => {
        if (this.current?.control === control) this.current = undefined;
        opts.log(`watch: build failed: ${(err as Error).message}`);
      },
    ).finally(() => this.countDetached(control));
    this.current = { control, done };
    this.last = done;
  }

  /**
   * The outputs a build wrote are hashed into the stat cache now, not by the next plan: the next
   * edit's re-plan then reads no file (those written within the racy window stay out, as ever).
   * A failure here costs only a later re-hash.
   */
  private async keepHashes(ws: Workspace, paths: string[]): Promise<void> {
    await Promise.all(paths.map((p) => ws.hash(p).catch(() => undefined)));
    await ws.save().catch(() => undefined);
  }

  /** Resolves when the running build and every superseded request have landed. */
  async settled(): Promise<void> {
    await this.last;
    await Promise.all(this.detached);
  }

  /** Detached work still finishing is paid: count it when it lands. */
  private countDetached(control: BuildControl): void {
    const landed = control.settled().then(() => {
      if (control.detachedSpentUsd) this.opts.log(`watch: superseded work finished into the cache ($${control.detachedSpentUsd.toFixed(2)})`);
      this.ledger.spentUsd += control.detachedSpentUsd;
      this.detached.delete(landed);
    });
    this.detached.add(landed);
  }
}
