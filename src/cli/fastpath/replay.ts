// The lean side of the no-op fast path: recognise `aivp [-C dir] build [targets] [--draft] [--json]`,
// check the saved state against the files, and replay the saved answer. Imports nothing heavy: a
// hit costs Node's start-up plus one stat per file the answer depended on.
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { jsonRenderer } from '../render/json.js';
import { plainRenderer } from '../render/plain.js';
import { printWarnings } from '../warnings.js';
import { aivpCode } from './identity.js';
import { aivpIdentity, envDigest, parseState, staleness, type FastPathState } from './state.js';
import { LAYOUT } from '../../base/layout.js';
import { readStateSync } from '../../base/read.js';

/** The project folder of a build the fast path may answer, from argv; undefined for anything else. */
function buildDir(argv: string[]): { dir: string; json: boolean } | undefined {
  let dir = '.';
  let i = 0;
  if (argv[0] === '-C' || argv[0] === '--dir') {
    if (argv[1] === undefined) return undefined;
    dir = argv[1];
    i = 2;
  } else if (argv[0]?.startsWith('--dir=')) {
    dir = argv[0].slice('--dir='.length);
    i = 1;
  }
  if (argv[i] !== 'build') return undefined;
  let json = false;
  for (const a of argv.slice(i + 1)) {
    if (a === '--json') json = true;
    else if (a !== '--draft' && a.startsWith('-')) return undefined;
  }
  return { dir: resolve(dir), json };
}

/** True when the build was answered here (the process then just exits 0). */
export function answerFromFastPath(argv: string[]): boolean {
  if (process.env.AIVP_FASTPATH === 'off') return false;
  const run = buildDir(argv);
  // A terminal gets the live listr2 display, which only the full path draws.
  if (!run || (!run.json && process.stderr.isTTY && !process.env.CI)) return false;
  const found = savedAnswer(run.dir, argv);
  if (process.env.AIVP_DEBUG) {
    process.stderr.write(`aivp: no-op fast path: ${typeof found === 'string' ? found : 'nothing changed, answered from .aivp/noop.state'}\n`);
  }
  if (typeof found === 'string') return false;
  replay(found, run.json);
  return true;
}

/** The saved state when it answers this run, or why it cannot. */
function savedAnswer(dir: string, argv: string[]): FastPathState | string {
  let state: FastPathState | undefined;
  try {
    state = parseState(readStateSync(join(dir, LAYOUT.fastPath), 'fastPath'));
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no saved state' : 'saved state unreadable';
  }
  if (!state) return 'saved state unreadable';
  return staleness(state, dir, { aivp: aivpIdentity(...aivpCode()), argv, env: envDigest(process.env, state.envVars) }) ?? state;
}

/** What the full path printed, with this run's duration. */
function replay(state: FastPathState, json: boolean): void {
  printWarnings(state.warnings, json ? 'events' : 'text');
  (json ? process.stdout : process.stderr).write(state.printed);
  const render = json ? jsonRenderer() : plainRenderer();
  render({ ...state.done, summary: { ...state.done.summary, durationMs: Math.round(performance.now()) } });
  process.exitCode = 0;
}
