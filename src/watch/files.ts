// The files watch mode listens to: the project file, `.env` and the project's sources, following
// the project as it changes; a burst of change events arrives as one batch (trailing debounce).
import { join, resolve } from 'node:path';
import { watch } from 'chokidar';
import type { ResolvedProject } from '../project/types.js';

/**
 * chokidar drops a file's change events within 50 ms of the previous one (no trailing event), so
 * the re-plan must read the files later than that or it could miss the last save of a burst.
 */
const MIN_DEBOUNCE_MS = 60;

export interface ProjectFiles {
  readonly projectFile: string;
  readonly envFile: string;
  /** Resolves once the initial scan is done: changes after it are reported. */
  readonly ready: Promise<void>;
  /** The watched set follows the project: its source files and folders. */
  follow(project: ResolvedProject): void;
  close(): Promise<void>;
}

/** `onChanges` receives the absolute paths changed in one burst. */
export function watchProjectFiles(dir: string, debounceMs: number | undefined, onChanges: (paths: string[]) => void): ProjectFiles {
  const projectFile = join(dir, 'aivp.project.yaml');
  const envFile = join(dir, '.env');
  const watcher = watch([projectFile, envFile], { ignoreInitial: true });
  let watched = new Set([projectFile, envFile]);
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  watcher.on('all', (_event, path) => {
    changed.add(resolve(dir, path));
    clearTimeout(timer);
    timer = setTimeout(() => {
      const paths = [...changed];
      changed.clear();
      onChanges(paths);
    }, Math.max(MIN_DEBOUNCE_MS, debounceMs ?? 100));
  });
  const ready = new Promise<void>((r) => watcher.once('ready', () => r()));
  return {
    projectFile,
    envFile,
    ready,
    follow(project) {
      const want = new Set([projectFile, envFile]);
      for (const n of project.nodes) {
        if (n.kind === 'segment') continue;
        if (n.file) want.add(join(dir, n.file));
        if (n.dir) want.add(join(dir, n.dir));
      }
      for (const f of project.films) if (f.audio) want.add(join(dir, f.audio.file));
      const add = [...want].filter((p) => !watched.has(p));
      const drop = [...watched].filter((p) => !want.has(p));
      if (add.length) watcher.add(add);
      if (drop.length) watcher.unwatch(drop);
      watched = want;
    },
    async close() {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}
