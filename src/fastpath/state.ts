// The no-op fast path's state: what a full `aivp build` saw when it found nothing to do (the
// stat of every file and folder its answer depended on, the environment and the arguments), and
// the events it reported. When every one of those is unchanged, the answer is the same, so the
// lean entry point (src/cli/main.ts) replays it without loading the project, the graph or any
// SDK. Anything it does not recognise means "ask the full path".
import { createHash } from 'node:crypto';
import { statSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import type { BuildEvent } from '../engine/events.js';
import type { Diagnostic } from '../project/types.js';

export const FAST_PATH_FILE = join('.aivp', 'noop.json');
export const FAST_PATH_FORMAT = 1;

/** `size:mtime:ctime:ino` in nanoseconds, or `-` for a path that does not exist. */
export type StatStamp = string;

export interface FastPathState {
  format: number;
  /** aivp's version and the stat of its own code: a rebuilt aivp never trusts an old answer. */
  aivp: string;
  argv: string[];
  /** Digest of the environment variables that can change a build's answer (secrets by presence only). */
  env: string;
  /** Absolute path -> stamp, for the project file, `.env`, sources, records, outputs and their folders. */
  stats: Record<string, StatStamp>;
  /** Filesystem time (ns) at which the stats were taken: a stamp not older than it is racy. */
  takenAtNs: string;
  warnings: Diagnostic[];
  events: BuildEvent[];
}

export function stamp(path: string): StatStamp {
  let s: BigIntStats | undefined;
  try {
    s = statSync(path, { bigint: true, throwIfNoEntry: false });
  } catch {
    return '?';
  }
  return s ? `${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.ino}` : '-';
}

/**
 * git's racy-timestamp rule: a stamp whose mtime or ctime is not older than the moment the stats
 * were taken may hide a change made within the same clock tick. An unreadable stat is never trusted.
 */
export function racy(st: StatStamp, takenAtNs: bigint): boolean {
  if (st === '?') return true;
  const [, mtime, ctime] = st.split(':');
  return mtime !== undefined && (BigInt(mtime) >= takenAtNs || BigInt(ctime) >= takenAtNs);
}

const SECRET = /KEY|SECRET|TOKEN|PASSWORD|CREDENTIAL/;
const RELEVANT = /^(AIVP_|FAL_|GEMINI_|GOOGLE_|GCP_|GCE_|OPENAI_|IMAGEROUTER_|STABILITY_|AWS_|FFMPEG_PATH$|NO_COLOR$|CI$)/;
/** Variables that change how aivp runs, never what a no-op build answers. */
const ANSWER_NEUTRAL = new Set(['AIVP_FASTPATH', 'AIVP_DEBUG']);

/**
 * The environment as far as it can change a build: values where harmless, presence for secrets.
 * (`.env` is stamped with the other files.)
 */
export function envDigest(env: NodeJS.ProcessEnv): string {
  const parts = Object.keys(env).filter((k) => RELEVANT.test(k) && !ANSWER_NEUTRAL.has(k)).sort()
    .map((k) => (SECRET.test(k) ? `${k}?` : `${k}=${env[k]}`));
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}

/** aivp's version plus the stamps of its compiled entry points. */
export function aivpIdentity(version: string, codeFiles: string[]): string {
  return [version, ...codeFiles.map(stamp)].join('|');
}

/**
 * Why the state cannot answer for this run (a changed stamp, racy timestamps, other arguments...),
 * or undefined when it can.
 */
export function staleness(state: FastPathState, expect: { aivp: string; argv: string[]; env: string }): string | undefined {
  if (state.format !== FAST_PATH_FORMAT) return 'format';
  if (state.aivp !== expect.aivp) return 'aivp changed';
  if (state.argv.length !== expect.argv.length || state.argv.some((a, i) => a !== expect.argv[i])) return 'other arguments';
  if (state.env !== expect.env) return 'environment changed';
  const takenAt = BigInt(state.takenAtNs);
  for (const [path, old] of Object.entries(state.stats)) {
    if (racy(old, takenAt)) return `racy timestamp: ${path}`;
    if (stamp(path) !== old) return `changed: ${path}`;
  }
  return undefined;
}

export function parseState(text: string): FastPathState | undefined {
  const s = JSON.parse(text) as Partial<FastPathState>;
  const ok = s && s.format === FAST_PATH_FORMAT && typeof s.aivp === 'string' && Array.isArray(s.argv) && typeof s.env === 'string'
    && s.stats && typeof s.stats === 'object' && typeof s.takenAtNs === 'string' && /^\d+$/.test(s.takenAtNs)
    && Array.isArray(s.warnings) && Array.isArray(s.events)
    && Object.values(s.stats).every((v) => typeof v === 'string' && /^(-|\?|\d+:\d+:\d+:\d+)$/.test(v));
  return ok ? (s as FastPathState) : undefined;
}
