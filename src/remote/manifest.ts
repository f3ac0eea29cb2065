// A node key's record as the team cache stores it (`keys/<key>.json`): the record format of
// `metadata/` (outputs with sha256, bytes, media type and size; model, seed, request id), without
// this machine's restore time. Read back from a bucket it is input like any other: checked.
import type { NodeRecord } from '../engine/record-types.js';
import { parseRecord, serializeRecord } from '../engine/store/records.js';

const SHA_RE = /^[0-9a-f]{64}$/;
/** Only the extension of a stored output path is used (the node's own path is local). */
const EXT_RE = /\.[a-z0-9]{1,8}$/i;
const MAX_OUTPUTS = 64;

export function manifestOf(rec: NodeRecord): string {
  const stored = { ...rec };
  delete stored.restoredAt;
  return serializeRecord(stored);
}

/** The record, or why it is refused. */
export function checkManifest(text: string, key: string): NodeRecord | string {
  const rec = parseRecord(text);
  if (!rec) return 'is not a valid aivp record';
  if (rec.key !== key) return `is the record of another key (${String(rec.key).slice(0, 16)}...)`;
  if (rec.outputs.length === 0 || rec.outputs.length > MAX_OUTPUTS) return `lists ${rec.outputs.length} outputs`;
  for (const o of rec.outputs) {
    if (!SHA_RE.test(o.sha256)) return 'lists an output without a sha256';
    if (!Number.isSafeInteger(o.bytes) || o.bytes <= 0) return `lists an output of ${String(o.bytes)} bytes`;
    if (typeof o.mediaType !== 'string' || !EXT_RE.test(o.path)) return 'lists an output without a media type or extension';
  }
  if (!Number.isInteger(rec.pick) || rec.pick < 1 || rec.pick > rec.outputs.length) return `picks output ${String(rec.pick)}`;
  return rec;
}
