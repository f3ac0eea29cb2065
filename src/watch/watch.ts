// `aivp watch`: re-plan on every change to the project file, `.env` and the referenced sources;
// supersede in-flight work whose key changed (cancel if still queued, let it finish into the cache
// if already running); keep the last good state when an edit is invalid.
import { join, relative, resolve } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { prepareBuild, type PreparedBuild } from '../engine/build.js';
import { BuildControl } from '../engine/control.js';
import type { BuildListener, BuildSummary } from '../engine/events.js';
import { executeBuild } from '../engine/execute.js';
import { ProviderSlots } from '../engine/slots.js';
import { loadEnv, type Env } from '../env.js';
import { formatDiagnostic, UsageError } from '../errors.js';
import { sha256File } from '../media/hash.js';
import { loadProject } from '../project/load.js';
import type { ResolvedProject } from '../project/types.js';
import type { Provider, ProviderId } from '../providers/types.js';

export interface WatchOptions {
  dir: string;
  targets: string[];
  draft?: boolean;
  emit: BuildListener;
  /** Human lines: errors of an invalid edit, what is in flight, the status after each build. */
  log(line: string): void;
  providers(env: Env, root: string): (id: ProviderId) => Provider;
  signal: AbortSignal;
  /** Trailing debounce: a burst of saves gives one re-plan. At least MIN_DEBOUNCE_MS. */
  debounceMs?: number;
  retryBaseMs?: number;
  /** A reason not to start a rebuild (missing credentials, ...), checked before anything is spent. */
  preflight?(prepared: PreparedBuild, env: Env): string | undefined;
  /** After each build that ran (gallery refresh, live reload). */
  onBuilt?(project: ResolvedProject, summary: BuildSummary, failures: Map<string, string>): Promise<void>;
}

/**
 * chokidar drops a file's change events within 50 ms of the previous one (no trailing event), so
 * the re-plan must read the files later than that or it could miss the last save of a burst.
 */
const MIN_DEBOUNCE_MS = 60;

interface Running {
  control: BuildControl;
  done: Promise<void>;
}

export async function watchProject(opts: WatchOptions): Promise<void> {
  const dir = resolve(opts.dir);
  const projectFile = join(dir, 'aivp.project.yaml');
  const envFile = join(dir, '.env');
  const watcher: FSWatcher = watch([projectFile, envFile], { ignoreInitial: true });
  let watched = new Set([projectFile, envFile]);
  let current: Running | undefined;
  // One set of provider slots for the session: superseded requests still running count against concurrency.
  const slots = new ProviderSlots();
  /** Set while a cycle runs; cleared in the same tick the cycle decides it is done. */
  let cycling = false;
  let cycleDone: Promise<void> = Promise.resolve();
  let dirty = false;
  let timer: NodeJS.Timeout | undefined;
  let spent = 0;
  /** Nodes whose last attempt failed, with the error. */
  const failed = new Map<string, string>();
  const changed = new Set<string>();
  /** Outputs the builds wrote (absolute path -> sha256): their change events are our own writes. */
  const written = new Map<string, string>();
  /** Planned output paths of the current graph, without extension. */
  let outputStems = new Set<string>();
  const detached = new Set<Promise<void>>();

  const load = async (quiet = false): Promise<ResolvedProject | undefined> => {
    try {
      return await loadProject(dir);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      if (quiet) return undefined;
      for (const d of err.diagnostics) opts.log(formatDiagnostic(d));
      if (err.message) opts.log(`aivp: ${err.message}`);
      opts.log('watch: keeping the last good state; fix the file to resume');
      return undefined;
    }
  };

  /** The watched set follows the project: its source files and folders. */
  const follow = (project: ResolvedProject) => {
    const want = new Set([projectFile, envFile]);
    for (const n of project.nodes) {
      if (n.kind === 'segment') continue;
      if (n.file) want.add(join(dir, n.file));
      if (n.dir) want.add(join(dir, n.dir));
    }
    const add = [...want].filter((p) => !watched.has(p));
    const drop = [...watched].filter((p) => !want.has(p));
    if (add.length) watcher.add(add);
    if (drop.length) watcher.unwatch(drop);
    watched = want;
  };

  /** In-flight nodes whose key the edited project no longer wants: cancelled if queued, detached if running. */
  const supersede = async (project: ResolvedProject) => {
    if (!current || current.control.inflight.size === 0) return;
    const { plan, ws } = await prepareBuild(project, { draft: opts.draft, targets: opts.targets });
    await ws.save();
    const keys = new Map(plan.entries.map((e) => [e.node, e.key]));
    for (const [node, n] of current?.control.inflight ?? []) {
      if (keys.get(node) === n.key) continue;
      const outcome = current!.control.supersede(node);
      if (outcome === 'cancelled') opts.log(`watch: ${node} changed while queued: request cancelled`);
      if (outcome === 'detached') opts.log(`watch: ${node} changed while running: it finishes into the cache only (it is paid anyway)`);
    }
  };

  const startBuild = async (project: ResolvedProject) => {
    const prepared = await prepareBuild(project, { draft: opts.draft, targets: opts.targets });
    outputStems = new Set([...prepared.graph.nodes.values()].flatMap((n) => n.outputs.map(stem)));
    for (const f of failed.keys()) if (!prepared.graph.nodes.has(f)) failed.delete(f);
    const work = prepared.plan.entries.filter((e) => ['new', 'stale', 'cached'].includes(e.status));
    await prepared.ws.save();
    if (work.length === 0) {
      opts.log(status('up to date'));
      return;
    }
    const env = loadEnv(dir);
    const refusal = overBudget(project, prepared) ?? opts.preflight?.(prepared, env);
    if (refusal) {
      opts.log(`watch: ${refusal}: nothing was generated`);
      opts.log(status('not built'));
      return;
    }
    const control = new BuildControl();
    const estimate = prepared.plan.estimateUsd ? ` (estimate $${prepared.plan.estimateUsd.toFixed(2)})` : '';
    opts.log(`watch: building ${work.map((e) => e.node).join(', ')}${estimate}`);
    opts.emit({ type: 'plan', entries: prepared.plan.entries, estimateUsd: prepared.plan.estimateUsd });
    const done = executeBuild({
      prepared,
      providers: opts.providers(env, dir),
      keepGoing: true,
      signal: opts.signal,
      emit: (e) => {
        if (e.type === 'node:failed') failed.set(e.node, e.error);
        if (e.type === 'node:done') {
          failed.delete(e.node);
          for (const o of prepared.ws.records.get(e.node)?.outputs ?? []) written.set(join(dir, o.path), o.sha256);
        }
        opts.emit(e);
      },
      control,
      slots,
      retryBaseMs: opts.retryBaseMs,
    }).then(
      async (summary) => {
        spent += summary.spentUsd;
        if (current?.control === control) current = undefined;
        opts.log(status(`${summary.built} built, ${summary.cached} from cache${summary.interrupted ? ', interrupted' : ''}`));
        await opts.onBuilt?.(project, summary, failed).catch((err: unknown) => opts.log(`watch: gallery not updated: ${(err as Error).message}`));
      },
      (err: unknown) => {
        if (current?.control === control) current = undefined;
        opts.log(`watch: build failed: ${(err as Error).message}`);
      },
    ).finally(() => {
      // Detached work still finishing is paid: count it when it lands.
      const landed = control.settled().then(() => {
        if (control.detachedSpentUsd) opts.log(`watch: superseded work finished into the cache ($${control.detachedSpentUsd.toFixed(2)})`);
        spent += control.detachedSpentUsd;
        detached.delete(landed);
      });
      detached.add(landed);
    });
    current = { control, done };
  };

  const status = (what: string) =>
    `watch: ${what}; ${failed.size ? `failed: ${[...failed.keys()].join(', ')}; ` : ''}spent $${spent.toFixed(2)} this session; waiting for changes`;

  const inFlight = () =>
    [...(current?.control.inflight ?? [])].map(([node, n]) => `${node} (${n.state === 'starting' || n.state === 'submitting' ? 'starting' : n.state})`).join(', ');

  const loop = async () => {
    try {
      do {
        dirty = false;
        const project = await load();
        if (!project) continue;
        follow(project);
        if (current) {
          const flying = inFlight();
          if (flying) opts.log(`watch: change while building; in flight: ${flying}`);
          await supersede(project);
          current.control.drain();
          await current.done;
          if (dirty) continue;
        }
        if (opts.signal.aborted) break;
        await startBuild(project);
      } while (dirty && !opts.signal.aborted);
    } catch (err) {
      opts.log(`watch: ${(err as Error).message}`);
    } finally {
      cycling = false;
    }
  };

  const cycle = () => {
    if (cycling) {
      // A cycle waits for the running build to drain: supersede at once, re-plan when it has.
      dirty = true;
      void load(true).then((p) => (p ? supersede(p) : undefined)).catch(() => undefined);
      return;
    }
    cycling = true;
    cycleDone = loop();
  };

  /** Whether a changed path is an output a build wrote (and nobody changed since). */
  const ownWrite = async (path: string): Promise<boolean> => {
    if (path === projectFile || path === envFile) return false;
    if (!outputStems.has(stem(relative(dir, path)))) return false;
    // The record of a write by the running build is known once it ends.
    if (current) await current.done;
    const sha = written.get(path);
    return sha !== undefined && sha === (await sha256File(path).catch(() => undefined));
  };

  const settle = async () => {
    const paths = [...changed];
    changed.clear();
    const own = await Promise.all(paths.map(ownWrite));
    if (own.some((o) => !o) && !opts.signal.aborted) cycle();
  };

  watcher.on('all', (_event, path) => {
    changed.add(resolve(dir, path));
    clearTimeout(timer);
    timer = setTimeout(() => void settle(), Math.max(MIN_DEBOUNCE_MS, opts.debounceMs ?? 100));
  });
  await new Promise<void>((r) => watcher.once('ready', () => r()));
  opts.log(`watch: watching ${dir} (Ctrl-C to stop)`);
  cycle();

  await new Promise<void>((r) => {
    if (opts.signal.aborted) r();
    else opts.signal.addEventListener('abort', () => r(), { once: true });
  });
  clearTimeout(timer);
  await watcher.close();
  await cycleDone;
  await current?.done;
  await Promise.all(detached);
}

/** The project's `budget:` caps each rebuild's estimate, as it caps a build's. */
function overBudget(project: ResolvedProject, { plan }: PreparedBuild): string | undefined {
  if (project.budget === undefined || plan.estimateUsd <= project.budget) return undefined;
  return `estimated cost $${plan.estimateUsd.toFixed(2)} exceeds the budget of $${project.budget.toFixed(2)} (raise \`budget:\` or use --draft)`;
}

function stem(path: string): string {
  return path.replace(/\\/g, '/').replace(/\.[a-z0-9]+$/i, '');
}
