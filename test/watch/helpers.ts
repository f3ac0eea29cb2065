// Watch test kit: run `watchProject` in-process on a temp project with a scripted provider, and
// wait for it to settle.
import type { BuildEvent } from '../../src/engine/events.js';
import type { WorkspaceState } from '../../src/engine/workspace.js';
import type { Provider } from '../../src/providers/types.js';
import { watchProject } from '../../src/watch/watch.js';
import { until } from '../support/wait.js';

export interface WatchRun {
  events: BuildEvent[];
  logs: string[];
  /** `build:done` events so far. */
  builds(): Extract<BuildEvent, { type: 'build:done' }>[];
  /** Each burst of changes the watch saw, and which of its paths were edits. */
  changes: { paths: string[]; edits: string[] }[];
  /** The signal the watch was given. */
  signal: AbortSignal;
  /** Aborts the watch and waits for it to return. */
  stop(): Promise<void>;
  done: Promise<void>;
}

export async function startWatch(dir: string, provider: Provider, opts: { targets?: string[]; debounceMs?: number; state?: WorkspaceState } = {}): Promise<WatchRun> {
  const events: BuildEvent[] = [];
  const logs: string[] = [];
  const changes: WatchRun['changes'] = [];
  const controller = new AbortController();
  const done = watchProject({
    dir,
    targets: opts.targets ?? [],
    emit: (e) => events.push(e),
    log: (l) => logs.push(l),
    onChanges: (paths, edits) => changes.push({ paths, edits }),
    signal: controller.signal,
    debounceMs: opts.debounceMs ?? 60,
    overrides: { providers: () => () => provider, retryBaseMs: 1 },
    state: opts.state,
  });
  const builds = () => events.filter((e): e is Extract<BuildEvent, { type: 'build:done' }> => e.type === 'build:done');
  let ended: unknown;
  done.then(() => (ended = 'returned'), (err: unknown) => (ended = err));
  // Running means the first cycle has planned (and built or found nothing to do).
  await until(() => {
    if (ended) throw new Error(`watch ended early (${String(ended)}); log:\n${logs.join('\n')}`);
    return logs.some((l) => l.includes('waiting for changes'));
  }, () => `the first build to settle; log:\n${logs.join('\n')}`);
  return {
    events,
    logs,
    builds,
    done,
    signal: controller.signal,
    changes,
    stop: async () => {
      controller.abort();
      await done;
    },
  };
}
