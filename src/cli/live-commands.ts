// `gallery` (and, with watch, the live gallery): the storyboard of the project as it stands.
import { join, resolve } from 'node:path';
import { BuildContext } from '../context/context.js';
import { readFailures, type Failure } from '../engine/store/failures.js';
import { WorkspaceState } from '../engine/workspace.js';
import { acquireBuildLock } from '../engine/store/lock.js';
import { buildGallery, choosePick, serveGallery, type GalleryServer } from '../gallery/index.js';
import type { ResolvedProject } from '../project/types.js';
import { watchProject } from '../watch/watch.js';
import { warnUnusable } from './build-command.js';
import { loadAndWarn } from './load-project.js';
import { jsonRenderer } from './render/json.js';
import { plainRenderer } from './render/plain.js';
import { onInterrupt } from './interrupt.js';
import { LAYOUT } from '../base/layout.js';

export interface WatchFlags {
  draft?: boolean;
  serve?: number | true;
  json?: boolean;
}

export async function watchCommand(dir: string, targets: string[], flags: WatchFlags): Promise<number> {
  const project = await loadAndWarn(dir, flags.json ? 'events' : 'text', { requests: true });
  // Resolved once before watching, so a bad setting (AIVP_RETRY_BASE_MS) is refused at once.
  await BuildContext.open(project, { draft: flags.draft, targets, offline: true });
  const release = await acquireBuildLock(project.root);
  const controller = new AbortController();
  // Between a build's plan and its end, requests may be in flight.
  let building = false;
  const stopListening = onInterrupt(controller, () => building);
  const render = flags.json ? jsonRenderer() : plainRenderer();
  const galleryDir = join(project.root, LAYOUT.gallery);
  let server: GalleryServer | undefined;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  // One for the session: the gallery's plan after each rebuild reads only what changed, as watch's do.
  const state = new WorkspaceState();
  try {
    if (flags.serve !== undefined) {
      await writeGallery(project, galleryDir, { draft: flags.draft });
      server = await serveGallery({
        dir: galleryDir,
        port: flags.serve === true ? 0 : flags.serve,
        // The edit is the user's: watch sees the file change and rebuilds; the page then reloads.
        onPick: (req) => choosePick(project.root, req),
      });
      log(`watch: gallery at ${server.url}`);
    }
    await watchProject({
      dir: project.root,
      targets,
      draft: flags.draft,
      emit: (e) => {
        if (e.type === 'plan') building = true;
        if (e.type === 'build:done') building = false;
        render(e);
        // The page shows what is being built meanwhile: a long video job is not a silent card.
        server?.track(e);
      },
      log,
      signal: controller.signal,
      state,
      onSettled: async (p, failures) => {
        if (!server) return;
        await writeGallery(p, galleryDir, { draft: flags.draft, failures, state });
        server.reload();
      },
    });
  } finally {
    stopListening();
    await server?.close();
    await release();
  }
  return controller.signal.aborted ? 130 : 0;
}

export async function galleryCommand(dir: string, out: string, draft?: boolean): Promise<number> {
  const project = await loadAndWarn(dir);
  const { indexPath, problems } = await writeGallery(project, resolve(project.root, out), { draft });
  warnUnusable(problems);
  process.stdout.write(`Gallery written to ${indexPath}\n`);
  return 0;
}

/** Statuses are those of the next build: `draft` compares against draft outputs. */
export async function writeGallery(
  project: ResolvedProject,
  outDir: string,
  opts: { draft?: boolean; failures?: Map<string, Failure>; state?: WorkspaceState } = {},
): Promise<{ indexPath: string; problems: string[] }> {
  const ctx = await BuildContext.open(project, { draft: opts.draft, offline: true });
  const { plan, ws } = await ctx.prepare(opts.state);
  const status = new Map(plan.entries.map((e) => [e.node, { status: e.status, reasons: e.reasons }]));
  await ws.save();
  // A failure is news only while the node is still not built.
  const failures = new Map(
    [...(opts.failures ?? (await readFailures(project.root)))].filter(([n]) => ['new', 'stale'].includes(status.get(n)?.status ?? '')),
  );
  const { indexPath } = await buildGallery({ project, records: ws.records, status, failures, outDir });
  return { indexPath, problems: ws.problems };
}
