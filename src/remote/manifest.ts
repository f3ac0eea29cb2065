// A node key's record as the team cache stores it (`keys/<key>.json`): the record format of
// `metadata/` (outputs with sha256, bytes, media type and size; model, seed, request id), without
// this machine's restore time. Read back from a bucket it is input like any other: bounded in
// size (by the store, before it is read) and in depth, checked field by field, and copied into a
// fresh record, so nothing of the stored object but the fields aivp knows reaches the build.
import type { NodeRecord, OutputFile, RecordInput } from '../engine/record-types.js';
import { parseRecord, serializeRecord } from '../engine/store/records.js';
import { mediaTypeOf } from '../media/media-types.js';

/**
 * A record is a few kilobytes (64 outputs and a long prompt make ~20 KB): anything past 1 MiB is
 * not one, and the store refuses it before reading it (a 400 MB one once took 2.1 GB of memory).
 */
export const MAX_MANIFEST_BYTES = 1 << 20;
const SHA_RE = /^[0-9a-f]{64}$/;
/** Only the extension of a stored output path is used (the node's own path is local). */
const EXT_RE = /\.[a-z0-9]{1,8}$/i;
const MAX_OUTPUTS = 64;
const MAX_INPUTS = 256;
/**
 * Nesting of the whole record: outputs sit at depth 3, a film's params (segments, their cuts) at
 * 6 or so; 32 is far past any aivp writes. A record nested 100,000 deep once failed every build
 * with "Maximum call stack size exceeded".
 */
const MAX_DEPTH = 32;
/** What aivp writes as an output; the extension must say the same (no `.html` take). */
const OUTPUT_TYPES = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'video/mp4', 'video/webm', 'video/quicktime']);

export function manifestOf(rec: NodeRecord): string {
  const stored = { ...rec };
  delete stored.restoredAt;
  return serializeRecord(stored);
}

/** The record, copied field by field, or why it is refused. */
export function checkManifest(text: string, key: string): NodeRecord | string {
  if (Buffer.byteLength(text) > MAX_MANIFEST_BYTES) return `is over ${MAX_MANIFEST_BYTES} bytes`;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return 'is not JSON';
  }
  if (deeperThan(raw, MAX_DEPTH)) return `nests deeper than ${MAX_DEPTH} levels`;
  const rec = parseRecord(text);
  if (!rec) return 'is not a valid aivp record';
  if (rec.key !== key) return `is the record of another key (${String(rec.key).slice(0, 16)}...)`;
  if (!Array.isArray(rec.outputs) || rec.outputs.length === 0 || rec.outputs.length > MAX_OUTPUTS) return `lists ${String(rec.outputs?.length)} outputs`;
  const outputs: OutputFile[] = [];
  for (const o of rec.outputs) {
    const out = outputOf(o);
    if (typeof out === 'string') return out;
    outputs.push(out);
  }
  if (!Number.isInteger(rec.pick) || rec.pick < 1 || rec.pick > outputs.length) return `picks output ${String(rec.pick)}`;
  if (!Array.isArray(rec.inputs) || rec.inputs.length > MAX_INPUTS) return 'lists its inputs badly';
  const inputs: RecordInput[] = [];
  for (const i of rec.inputs) {
    if (typeof i?.role !== 'string' || typeof i.name !== 'string') return 'lists an input without a role or name';
    inputs.push(i.sha256 === undefined ? ({ role: i.role, name: i.name } as RecordInput) : { role: i.role, name: i.name, sha256: i.sha256 });
  }
  const bad = badField(rec);
  if (bad) return `has a bad \`${bad}\``;
  const copy: NodeRecord = {
    aivp: 1, node: rec.node, kind: rec.kind, key: rec.key, provider: rec.provider, model: rec.model,
    params: plainCopy(rec.params) as Record<string, unknown>,
    inputs, outputs, pick: rec.pick, costUsd: rec.costUsd, durationMs: rec.durationMs, createdAt: rec.createdAt,
  };
  if (rec.prompt !== undefined) copy.prompt = rec.prompt;
  if (rec.seedRequested !== undefined) copy.seedRequested = rec.seedRequested;
  if (rec.seed !== undefined) copy.seed = rec.seed;
  if (rec.requestId !== undefined) copy.requestId = rec.requestId;
  if (rec.draft !== undefined) copy.draft = rec.draft;
  return copy;
}

function outputOf(o: OutputFile): OutputFile | string {
  if (!SHA_RE.test(String(o.sha256))) return 'lists an output without a sha256';
  if (!Number.isSafeInteger(o.bytes) || o.bytes <= 0) return `lists an output of ${String(o.bytes)} bytes`;
  if (typeof o.mediaType !== 'string' || typeof o.path !== 'string' || !EXT_RE.test(o.path)) return 'lists an output without a media type or extension';
  if (!OUTPUT_TYPES.has(o.mediaType) || mediaTypeOf(o.path) !== o.mediaType) return `lists an output \`${o.path.slice(-40)}\` that is not a ${o.mediaType.slice(0, 40)} file aivp writes`;
  for (const side of [o.width, o.height]) if (side !== undefined && (!Number.isSafeInteger(side) || side <= 0)) return 'lists an output of a bad size';
  const out: OutputFile = { path: o.path, sha256: o.sha256, bytes: o.bytes, mediaType: o.mediaType };
  if (o.width !== undefined) out.width = o.width;
  if (o.height !== undefined) out.height = o.height;
  return out;
}

/** The first top-level field of the wrong type, if any. */
function badField(rec: NodeRecord): string | undefined {
  const str = (v: unknown) => typeof v === 'string';
  const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  const seed = (v: unknown) => v === undefined || Number.isSafeInteger(v);
  const checks: [keyof NodeRecord, boolean][] = [
    ['node', str(rec.node)], ['kind', str(rec.kind)], ['provider', str(rec.provider)], ['model', str(rec.model)],
    ['prompt', rec.prompt === undefined || str(rec.prompt)],
    ['params', typeof rec.params === 'object' && rec.params !== null && !Array.isArray(rec.params)],
    ['seedRequested', seed(rec.seedRequested)], ['seed', seed(rec.seed)],
    ['requestId', rec.requestId === undefined || str(rec.requestId)],
    ['costUsd', num(rec.costUsd)], ['durationMs', num(rec.durationMs)],
    ['createdAt', str(rec.createdAt) && !Number.isNaN(Date.parse(rec.createdAt))],
    ['draft', rec.draft === undefined || typeof rec.draft === 'boolean'],
  ];
  return checks.find(([, ok]) => !ok)?.[0];
}

/** True when `v` nests objects or arrays more than `max` deep; iterative, so any depth is safe to ask. */
function deeperThan(v: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[v, 1]];
  while (stack.length) {
    const [x, depth] = stack.pop()!;
    if (typeof x !== 'object' || x === null) continue;
    if (depth > max) return true;
    for (const child of Object.values(x)) stack.push([child, depth + 1]);
  }
  return false;
}

/** JSON data copied into fresh plain objects (the depth is already bounded). */
function plainCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plainCopy);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    // A JSON `__proto__` key is an own property; assigned plainly it would set the prototype.
    Object.defineProperty(out, k, { value: plainCopy(x), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
