// `aivp watch`: re-plan on every change to the project file, `.env` and the referenced sources;
// supersede in-flight work whose key changed (cancel if still queued, let it finish into the cache
// if already running); keep the last good state when an edit is invalid.
import { join, resolve } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { prepareBuild } from '../engine/build.js';
import { BuildControl } from '../engine/control.js';
import type { BuildListener, BuildSummary } from '../engine/events.js';
import { executeBuild } from '../engine/execute.js';
import { loadEnv, type Env } from '../env.js';
import { formatDiagnostic, UsageError } from '../errors.js';
import { loadProject } from '../project/load.js';
import type { ResolvedProject } from '../project/types.js';
import type { Provider, ProviderId } from '../providers/types.js';

export interface WatchOptions {
  dir: string;
  targets: string[];
  draft?: boolean;
  emit: BuildListener;
  /** Human lines: errors of an invalid edit, the status after each build. */
  log(line: string): void;
  providers(env: Env, root: string): (id: ProviderId) => Provider;
  signal: AbortSignal;
  /** Trailing debounce: a burst of saves gives one re-plan. */
  debounceMs?: number;
  retryBaseMs?: number;
  /** After each build that ran (gallery refresh, live reload). */
  onBuilt?(project: ResolvedProject, summary: BuildSummary): Promise<void>;
}

interface Running {
  control: BuildControl;
  done: Promise<void>;
}

export async function watchProject(opts: WatchOptions): Promise<void> {
  const dir = resolve(opts.dir);
  const projectFile = join(dir, 'aivp.project.yaml');
  const watcher: FSWatcher = watch([projectFile, join(dir, '.env')], { ignoreInitial: true });
  let watched = new Set([projectFile, join(dir, '.env')]);
  let current: Running | undefined;
  let cycling = false;
  let dirty = false;
  let timer: NodeJS.Timeout | undefined;
  let spent = 0;
  const failed = new Set<string>();

  const load = async (): Promise<ResolvedProject | undefined> => {
    try {
      return await loadProject(dir);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      for (const d of err.diagnostics) opts.log(formatDiagnostic(d));
      if (err.message) opts.log(`aivp: ${err.message}`);
      opts.log('watch: keeping the last good state; fix the file to resume');
      return undefined;
    }
  };

  /** The watched set follows the project: its source files and folders. */
  const follow = (project: ResolvedProject) => {
    const want = new Set([projectFile, join(dir, '.env')]);
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

  /** In-flight nodes whose key the edited project no longer wants. */
  const supersede = async (project: ResolvedProject) => {
    if (!current) return;
    const { plan, ws } = await prepareBuild(project, { draft: opts.draft, targets: opts.targets });
    await ws.save();
    const keys = new Map(plan.entries.map((e) => [e.node, e.key]));
    for (const [node, n] of current.control.inflight) {
      if (keys.get(node) === n.key) continue;
      const outcome = current.control.supersede(node);
      if (outcome !== 'not-running') opts.log(`watch: ${node} changed while in flight: ${outcome === 'cancelled' ? 'queued request cancelled' : 'running request will finish into the cache'}`);
    }
  };

  const startBuild = async (project: ResolvedProject) => {
    const prepared = await prepareBuild(project, { draft: opts.draft, targets: opts.targets });
    const work = prepared.plan.entries.filter((e) => ['new', 'stale', 'cached'].includes(e.status));
    if (work.length === 0) {
      await prepared.ws.save();
      opts.log(status('up to date'));
      return;
    }
    const control = new BuildControl();
    opts.emit({ type: 'plan', entries: prepared.plan.entries, estimateUsd: prepared.plan.estimateUsd });
    const done = executeBuild({
      ws: prepared.ws,
      graph: prepared.graph,
      selected: prepared.selected,
      force: prepared.force,
      providers: opts.providers(loadEnv(dir), dir),
      keepGoing: true,
      signal: opts.signal,
      emit: (e) => {
        if (e.type === 'node:failed') failed.add(e.node);
        if (e.type === 'node:done') failed.delete(e.node);
        opts.emit(e);
      },
      control,
      retryBaseMs: opts.retryBaseMs,
    }).then(async (summary) => {
      spent += summary.spentUsd;
      current = undefined;
      opts.log(status(`${summary.built} built, ${summary.cached} from cache`));
      await opts.onBuilt?.(project, summary);
    });
    current = { control, done };
  };

  const status = (what: string) =>
    `watch: ${what}; ${failed.size ? `failed: ${[...failed].join(', ')}; ` : ''}spent $${spent.toFixed(2)} this session; waiting for changes`;

  const cycle = async () => {
    if (cycling) {
      dirty = true;
      return;
    }
    cycling = true;
    try {
      do {
        dirty = false;
        const project = await load();
        if (!project) break;
        follow(project);
        if (current) {
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

  const schedule = (ms = opts.debounceMs ?? 100) => {
    if (cycling) {
      // Supersede promptly even while a cycle waits for the running build to drain.
      dirty = true;
      void load().then((p) => (p ? supersede(p) : undefined)).catch(() => undefined);
    }
    clearTimeout(timer);
    timer = setTimeout(() => void cycle(), ms);
  };

  watcher.on('all', () => schedule());
  await new Promise<void>((r) => watcher.once('ready', () => r()));
  opts.log(`watch: watching ${dir} (Ctrl-C to stop)`);
  await cycle();

  await new Promise<void>((r) => {
    if (opts.signal.aborted) r();
    else opts.signal.addEventListener('abort', () => r(), { once: true });
  });
  clearTimeout(timer);
  await current?.done;
  await watcher.close();
}
