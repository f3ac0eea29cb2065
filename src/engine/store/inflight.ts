// In-flight requests, `.aivp/inflight/<key>.json`: written before waiting on a provider so an
// interrupted build re-attaches to the paid request instead of submitting (and paying) again.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { InflightRecord } from '../record-types.js';
import { writeFileAtomic } from '../../base/atomic.js';
import { KEY_RE } from './records.js';
import { LAYOUT } from '../../base/layout.js';
import { readState } from '../../base/read.js';
import { checkFolder } from '../../base/inside.js';


function inflightPath(root: string, key: string): string {
  if (!KEY_RE.test(key)) throw new Error(`not a node key: ${JSON.stringify(key)}`);
  return join(root, LAYOUT.inflight, `${key}.json`);
}

export async function writeInflight(root: string, rec: InflightRecord): Promise<void> {
  await writeFileAtomic(inflightPath(root, rec.key), `${JSON.stringify(rec, null, 2)}\n`, { inside: root });
}

/** Undefined when absent or unreadable (a corrupt entry is as good as none: submit again). */
export async function readInflight(root: string, key: string): Promise<InflightRecord | undefined> {
  try {
    return parseInflight(await readState(inflightPath(root, key), 'inflight'), key);
  } catch {
    return undefined;
  }
}

export async function removeInflight(root: string, key: string): Promise<void> {
  checkFolder(root, LAYOUT.inflight);
  await rm(inflightPath(root, key), { force: true });
}

/**
 * A provider's request id or operation name (`models/veo-3.0/operations/abc`): it becomes part of
 * a URL sent with the key, so it cannot climb (`..`) or carry a query, a host or a scheme.
 */
function isRequestId(id: string): boolean {
  return /^[A-Za-z0-9_.\-/]{1,512}$/.test(id) && id.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

function parseInflight(text: string, key: string): InflightRecord | undefined {
  const r = JSON.parse(text) as Partial<InflightRecord> | null;
  const ok =
    r !== null && typeof r === 'object' && r.key === key &&
    (['node', 'provider', 'model', 'requestId', 'submittedAt'] as const).every((f) => typeof r[f] === 'string') &&
    isRequestId(r.requestId!);
  return ok ? (r as InflightRecord) : undefined;
}
