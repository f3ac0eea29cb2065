// `aivp watch`: re-plan on every change to the project file, `.env` and the referenced sources;
// keep the last good state when an edit is invalid. The parts: the files listened to (files.ts),
// our own writes coming back as events (own-writes.ts), one rebuild at a time with supersede
// (rebuild.ts), and what the session has failed and spent (ledger.ts). This file runs the cycle.
import { resolve } from 'node:path';
import { WorkspaceState } from '../engine/workspace.js';
import { formatDiagnostic, UsageError } from '../base/errors.js';
import { loadProject } from '../project/load.js';
import { redact } from '../base/redact.js';
import type { ResolvedProject } from '../project/types.js';
import { watchProjectFiles } from './files.js';
import { WatchLedger } from './ledger.js';
import { OwnWrites } from './own-writes.js';
import type { WatchOptions } from './options.js';
import { Rebuilds } from './rebuild.js';


export async function watchProject(opts: WatchOptions): Promise<void> {
  const dir = resolve(opts.dir);
  const files = watchProjectFiles(dir, opts.debounceMs, (paths) => void onChanges(paths));
  const own = new OwnWrites(dir, new Set([files.projectFile, files.envFile]));
  const rebuilds = new Rebuilds(opts, new WatchLedger(), own, opts.state ?? new WorkspaceState());
  const cycle = new Cycle(dir, opts, files.follow, rebuilds);

  const onChanges = async (paths: string[]) => {
    const ours = await Promise.all(paths.map((p) => own.isOwn(p, rebuilds.building)));
    const edits = paths.filter((_, i) => !ours[i]);
    opts.onChanges?.(paths, edits);
    if (edits.length && !opts.signal.aborted) cycle.request();
  };

  await files.ready;
  opts.log(`watch: watching ${dir} (Ctrl-C to stop)`);
  cycle.request();
  await new Promise<void>((r) => {
    if (opts.signal.aborted) r();
    else opts.signal.addEventListener('abort', () => r(), { once: true });
  });
  await files.close();
  await cycle.done;
  await rebuilds.settled();
}

/**
 * The re-plan cycle: load, follow the sources, supersede and drain the running build, start the
 * next. A change during a cycle marks it dirty: the cycle goes round again instead of starting a
 * second one.
 */
class Cycle {
  /** Set while a cycle runs; cleared in the same tick the cycle decides it is done. */
  private cycling = false;
  private dirty = false;
  done: Promise<void> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly opts: WatchOptions,
    private readonly follow: (project: ResolvedProject) => void,
    private readonly rebuilds: Rebuilds,
  ) {}

  request(): void {
    if (this.cycling) {
      // A cycle waits for the running build to drain: supersede at once, re-plan when it has.
      this.dirty = true;
      void this.load(true).then((p) => (p ? this.rebuilds.supersede(p) : undefined)).catch(() => undefined);
      return;
    }
    this.cycling = true;
    this.done = this.loop();
  }

  private async loop(): Promise<void> {
    const { opts, rebuilds } = this;
    try {
      do {
        this.dirty = false;
        const project = await this.load();
        if (!project) continue;
        this.follow(project);
        if (rebuilds.building) {
          const flying = rebuilds.inFlight();
          if (flying) opts.log(`watch: change while building; in flight: ${flying}`);
          await rebuilds.supersede(project);
          await rebuilds.drain();
          if (this.dirty) continue;
        }
        if (opts.signal.aborted) break;
        await rebuilds.start(project);
      } while (this.dirty && !opts.signal.aborted);
    } catch (err) {
      opts.log(`watch: ${(err as Error).message}`);
    } finally {
      this.cycling = false;
    }
  }

  /** The project as the files now say, or undefined (errors logged unless quiet) when an edit is invalid. */
  private async load(quiet = false): Promise<ResolvedProject | undefined> {
    try {
      return await loadProject(this.dir);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      if (quiet) return undefined;
      for (const d of err.diagnostics) this.opts.log(formatDiagnostic(d));
      if (err.message) this.opts.log(`aivp: ${redact(err.message)}`);
      this.opts.log('watch: keeping the last good state; fix the file to resume');
      return undefined;
    }
  }
}
