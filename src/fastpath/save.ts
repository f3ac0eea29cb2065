// Saves the fast path's state after a full build found nothing to do: the stamp of every file and
// folder the answer depended on, taken after a clock tick from the filesystem itself (so git's
// racy rule compares like with like), and the events the build reported.
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { PreparedBuild } from '../engine/build.js';
import type { BuildEvent, BuildSummary } from '../engine/events.js';
import { writeFileAtomic } from '../engine/store/atomic.js';
import { LOCK_FILE } from '../engine/store/lock.js';
import { recordPath } from '../engine/store/records.js';
import type { Diagnostic } from '../project/types.js';
import { aivpCode } from './identity.js';
import { aivpIdentity, envDigest, FAST_PATH_FILE, FAST_PATH_FORMAT, stamp, type FastPathState } from './state.js';

/** A build the fast path may answer next time: nothing generated, restored, failed or skipped. */
export function isNoop(s: BuildSummary): boolean {
  return s.built === 0 && s.cached === 0 && s.failed === 0 && s.skipped === 0 && !s.interrupted;
}

/** Every path whose stamp the no-op answer depends on, absolute. */
function dependedOn(prepared: PreparedBuild): Set<string> {
  const { ws, graph } = prepared;
  const root = ws.root;
  const project = ws.project;
  const paths = new Set<string>([project.file, join(root, '.env')]);
  const add = (rel: string | undefined) => {
    if (rel === undefined) return;
    const abs = resolve(root, rel);
    paths.add(abs);
    // A folder's stamp changes when an entry is added, removed or renamed (a new take, a new source).
    paths.add(dirname(abs));
  };
  for (const dir of Object.values(project.paths)) paths.add(resolve(root, dir));
  for (const node of graph.nodes.values()) {
    const spec = node.spec as { file?: string; dir?: string };
    add(spec.file);
    if (spec.dir !== undefined) paths.add(resolve(root, spec.dir));
    for (const f of node.sourceFiles) add(f);
    for (const edge of node.inputs) add(edge.file);
    for (const o of node.outputs) add(o);
    add(recordPath(root, project.paths.metadata, node.name));
    for (const o of ws.records.get(node.name)?.outputs ?? []) add(o.path);
  }
  return paths;
}

export async function saveFastPath(
  prepared: PreparedBuild, argv: string[], warnings: Diagnostic[], events: BuildEvent[],
): Promise<void> {
  const root = prepared.ws.root;
  const file = join(root, FAST_PATH_FILE);
  // The filesystem's own clock: a tick file's mtime, taken before any stat.
  const tick = `${file}.tick`;
  await mkdir(dirname(file), { recursive: true });
  await writeFile(tick, '');
  const takenAtNs = (await stat(tick, { bigint: true })).mtimeNs;
  await rm(tick, { force: true });
  const stats: Record<string, string> = {};
  for (const p of dependedOn(prepared)) stats[p] = stamp(p);
  // This build holds the lock now; another build holding it later must get the full path's answer.
  stats[join(root, LOCK_FILE)] = '-';
  const state: FastPathState = {
    format: FAST_PATH_FORMAT,
    aivp: aivpIdentity(...aivpCode()),
    argv,
    env: envDigest(process.env),
    stats,
    takenAtNs: String(takenAtNs),
    warnings,
    events,
  };
  await writeFileAtomic(file, JSON.stringify(state));
}
