// In-flight requests, `.aivp/inflight/<key>.json`: written before waiting on a provider so an
// interrupted build re-attaches to the paid request instead of submitting (and paying) again.
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { InflightRecord } from '../record-types.js';
import { writeFileAtomic } from './atomic.js';

export const INFLIGHT_DIR = join('.aivp', 'inflight');

function inflightPath(root: string, key: string): string {
  if (!/^[0-9A-Za-z_-]+$/.test(key)) throw new Error(`not a node key: ${JSON.stringify(key)}`);
  return join(root, INFLIGHT_DIR, `${key}.json`);
}

export async function writeInflight(root: string, rec: InflightRecord): Promise<void> {
  await writeFileAtomic(inflightPath(root, rec.key), `${JSON.stringify(rec, null, 2)}\n`);
}

/** Undefined when absent or unreadable (a corrupt entry is as good as none: submit again). */
export async function readInflight(root: string, key: string): Promise<InflightRecord | undefined> {
  try {
    return parseInflight(await readFile(inflightPath(root, key), 'utf8'), key);
  } catch {
    return undefined;
  }
}

export async function removeInflight(root: string, key: string): Promise<void> {
  await rm(inflightPath(root, key), { force: true });
}

export async function listInflight(root: string): Promise<InflightRecord[]> {
  let names: string[];
  try {
    names = await readdir(join(root, INFLIGHT_DIR));
  } catch {
    return [];
  }
  const keys = names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).map((n) => n.slice(0, -5));
  const recs = await Promise.all(keys.map((k) => readInflight(root, k)));
  return recs.filter((r): r is InflightRecord => r !== undefined);
}

function parseInflight(text: string, key: string): InflightRecord | undefined {
  const r = JSON.parse(text) as Partial<InflightRecord> | null;
  const ok =
    r !== null && typeof r === 'object' && r.key === key &&
    (['node', 'provider', 'model', 'requestId', 'submittedAt'] as const).every((f) => typeof r[f] === 'string');
  return ok ? (r as InflightRecord) : undefined;
}
