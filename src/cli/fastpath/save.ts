// Saves the fast path's state after a full build found nothing to do: the stamp of every file and
// folder the answer depended on, taken after a clock tick from the filesystem itself (so git's
// racy rule compares like with like), and what the build printed.
import { rm } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { jsonRenderer } from '../render/json.js';
import { plainRenderer } from '../render/plain.js';
import type { PreparedBuild } from '../../engine/build.js';
import type { BuildEvent, BuildSummary } from '../../engine/events.js';
import { writeFileAtomic } from '../../base/atomic.js';
import type { Diagnostic } from '../../base/errors.js';
import { aivpCode } from './identity.js';
import { aivpIdentity, envDigest, FAST_PATH_FORMAT, racy, serializeState, stamp, type FastPathState } from './state.js';
import { LAYOUT, recordPath } from '../../base/layout.js';
import { fsClockNs } from '../../base/file-stamp.js';

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

/**
 * Saves the answer of a no-op build, as printed (`json`: the NDJSON events; else the plain lines).
 * A stamp as new as the moment the stats were taken (git's racy rule) could hide a change made in
 * the same clock tick: then nothing is saved, and the next build takes the full path.
 */
export interface NoopAnswer {
  argv: string[];
  json: boolean;
  warnings: Diagnostic[];
  events: BuildEvent[];
  /** The environment variables a build reads (the build context's list). */
  envVars: string[];
}

export async function saveFastPath(prepared: PreparedBuild, answer: NoopAnswer): Promise<void> {
  const { argv, json, warnings, events, envVars } = answer;
  const root = prepared.ws.root;
  const file = join(root, LAYOUT.fastPath);
  // The file system's own clock, read before any stat.
  const clockNs = await fsClockNs(root);
  const stats: [string, string][] = [];
  for (const p of dependedOn(prepared)) {
    const st = stamp(p);
    if (racy(st, clockNs)) return void (await rm(file, { force: true }));
    stats.push([relative(root, p).split(sep).join('/') || '.', st]);
  }
  // This build holds the lock now; another build holding it later must get the full path's answer.
  stats.push([LAYOUT.lock.split(sep).join('/'), '-']);
  const done = events.find((e) => e.type === 'build:done');
  if (!done) return;
  let printed = '';
  const render = json ? jsonRenderer((l) => (printed += l)) : plainRenderer((l) => (printed += l));
  for (const e of events) if (e !== done) render(e);
  const state: FastPathState = {
    format: FAST_PATH_FORMAT,
    aivp: aivpIdentity(...aivpCode()),
    argv,
    envVars,
    env: envDigest(process.env, envVars),
    stats,
    warnings,
    printed,
    done,
  };
  await writeFileAtomic(file, serializeState(state), { inside: root });
}
