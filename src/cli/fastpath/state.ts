// The no-op fast path's state: what a full `aivp build` saw when it found nothing to do (the
// stat of every file and folder its answer depended on, the environment and the arguments), and
// what it printed. When every one of those is unchanged, the answer is the same, so the lean
// entry point (src/cli/main.ts) replays it without loading the project, the graph or any SDK.
// Anything it does not recognise means "ask the full path". The file is a JSON header line, one
// `stamp path` line per file, then the printed answer verbatim: parsing it costs little more
// than reading it, where one JSON document of 10,000 events and 20,000 paths cost ~100 ms.
import { createHash } from 'node:crypto';
import { statSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import type { BuildEvent } from '../../engine/events.js';
import type { Diagnostic } from '../../base/errors.js';
import { formatStamp, isRacy, parseStamp } from '../../base/file-stamp.js';

export const FAST_PATH_FORMAT = 3;

/** `size:mtime:ctime:ino` in nanoseconds, or `-` for a path that does not exist. */
export type StatStamp = string;

export interface FastPathState {
  format: number;
  /** aivp's version and the stat of its own code: a rebuilt aivp never trusts an old answer. */
  aivp: string;
  argv: string[];
  /** The environment variables (prefixes ending in `_`, or whole names) a build reads, as the build context listed them. */
  envVars: string[];
  /** Digest of those variables (secrets by presence only). */
  env: string;
  /**
   * [path relative to the project folder, its stamp] for the project file, `.env`, sources,
   * records, outputs and their folders. None is racy: a state that would hold one is not saved.
   */
  stats: [string, StatStamp][];
  warnings: Diagnostic[];
  /** What the build printed before its summary, as it printed it (--json: NDJSON on stdout; else lines on stderr). */
  printed: string;
  /** The summary event, printed again with this run's duration. */
  done: Extract<BuildEvent, { type: 'build:done' }>;
}

export function stamp(path: string): StatStamp {
  let s: BigIntStats | undefined;
  try {
    s = statSync(path, { bigint: true, throwIfNoEntry: false });
  } catch {
    return '?';
  }
  return s ? formatStamp(s) : '-';
}

/** The one racy rule (base/file-stamp.ts) on a stamp's text form; an unreadable stat (`?`) is never trusted. */
export function racy(st: StatStamp, clockNs: bigint): boolean {
  if (st === '-') return false;
  const parsed = parseStamp(st);
  return !parsed || isRacy(parsed, clockNs);
}

const SECRET = /KEY|SECRET|TOKEN|PASSWORD|CREDENTIAL/;
/** Variables that change how aivp runs, never what a no-op build answers. */
const ANSWER_NEUTRAL = new Set(['AIVP_FASTPATH', 'AIVP_DEBUG']);

/**
 * The environment as far as it can change a build: values where harmless, presence for secrets.
 * (`.env` is stamped with the other files.)
 */
export function envDigest(env: NodeJS.ProcessEnv, vars: readonly string[]): string {
  const read = (k: string) => vars.some((v) => (v.endsWith('_') ? k.startsWith(v) : k === v));
  const parts = Object.keys(env).filter((k) => read(k) && !ANSWER_NEUTRAL.has(k)).sort()
    .map((k) => (SECRET.test(k) ? `${k}?` : `${k}=${env[k]}`));
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}

/** aivp's version plus the stamps of its compiled entry points. */
export function aivpIdentity(version: string, codeFiles: string[]): string {
  return [version, ...codeFiles.map(stamp)].join('|');
}

/**
 * Why the state cannot answer for this run (a changed stamp, other arguments...),
 * or undefined when it can.
 */
export function staleness(state: FastPathState, dir: string, expect: { aivp: string; argv: string[]; env: string }): string | undefined {
  if (state.format !== FAST_PATH_FORMAT) return 'format';
  if (state.aivp !== expect.aivp) return 'aivp changed';
  if (state.argv.length !== expect.argv.length || state.argv.some((a, i) => a !== expect.argv[i])) return 'other arguments';
  if (state.env !== expect.env) return 'environment changed';
  for (const [path, old] of state.stats) {
    if (stamp(join(dir, path)) !== old) return `changed: ${path}`;
  }
  return undefined;
}

export function serializeState(state: FastPathState): string {
  const { stats, printed, ...head } = state;
  return `${JSON.stringify({ ...head, stats: stats.length })}\n${stats.map(([p, st]) => `${st} ${p}\n`).join('')}${printed}`;
}

const STAMP = /^(-|\d+:\d+:\d+:\d+)$/;
/** Relative, no `..` anywhere (a name with `..` inside only costs the fast path), no backslash or NUL. */
const SAFE_PATH = /^(?!\/)(?!.*\.\.)[^\\\0\n]+$/;

export function parseState(text: string): FastPathState | undefined {
  let at = text.indexOf('\n');
  const head = JSON.parse(at < 0 ? text : text.slice(0, at)) as Partial<Omit<FastPathState, 'stats'>> & { stats?: unknown };
  const ok = head && head.format === FAST_PATH_FORMAT && typeof head.aivp === 'string' && Array.isArray(head.argv)
    && typeof head.env === 'string' && Array.isArray(head.envVars) && head.envVars.every((v) => typeof v === 'string') && Array.isArray(head.warnings) && head.done?.type === 'build:done'
    && typeof head.done.summary === 'object' && Number.isInteger(head.stats);
  if (!ok || at < 0) return undefined;
  const stats: [string, StatStamp][] = [];
  for (let i = 0; i < (head.stats as number); i++) {
    const end = text.indexOf('\n', at + 1);
    const space = text.indexOf(' ', at + 1);
    if (end < 0 || space < 0 || space > end) return undefined;
    const st = text.slice(at + 1, space);
    const path = text.slice(space + 1, end);
    if (!STAMP.test(st) || !SAFE_PATH.test(path)) return undefined;
    stats.push([path, st]);
    at = end;
  }
  return { ...(head as Omit<FastPathState, 'stats' | 'printed'>), stats, printed: text.slice(at + 1) };
}
