// Node records, `metadata/<node>.json`: one small file per node, pretty and in a fixed field order,
// so a regenerated record diffs and merges cleanly in git.
import { readdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { checkFolder, insideChecker, isPlainRelative, type Outside } from '../../base/inside.js';
import type { NodeRecord } from '../record-types.js';
import { writeFileAtomic } from '../../base/atomic.js';
import { recordPath } from '../../base/layout.js';
import { readStateSync } from '../../base/read.js';

/** Told about a record file that exists but cannot be used, so the caller can warn. */
export type OnCorrupt = (file: string, reason: string) => void;

/** Whether node `node` writes `path` (graph/build.ts outputRule): a record naming anything else is not used. */
export type OwnsOutput = (node: string, path: string) => boolean;

export const SHA256_RE = /^[0-9a-f]{64}$/;
export const KEY_RE = /^[0-9A-Za-z_-]+$/;

const FIELD_ORDER: (keyof NodeRecord)[] = [
  'aivp', 'node', 'kind', 'draft', 'key', 'provider', 'model', 'prompt', 'params', 'seedRequested', 'seed',
  'inputs', 'outputs', 'cut', 'pick', 'requestId', 'costUsd', 'durationMs', 'createdAt', 'restoredAt',
];


export async function writeRecord(root: string, metadataDir: string, rec: NodeRecord): Promise<void> {
  await writeFileAtomic(recordPath(root, metadataDir, rec.node), serializeRecord(rec), { inside: root });
}

export async function removeRecord(root: string, metadataDir: string, node: string): Promise<void> {
  const file = recordPath(root, metadataDir, node);
  checkFolder(root, dirname(file));
  await rm(file, { force: true });
}

/**
 * Every record in the folder, by node name. Read synchronously on purpose: for thousands of small
 * files a plain loop is ~10x faster than fs.promises (55 ms against 700 ms for 10,000 records).
 */
export async function readAllRecords(
  root: string,
  metadataDir: string,
  onCorrupt?: OnCorrupt,
  owns?: OwnsOutput,
): Promise<Map<string, NodeRecord>> {
  const dir = resolve(root, metadataDir);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw err;
  }
  const nodes = names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).map((n) => n.slice(0, -5));
  const out = new Map<string, NodeRecord>();
  const outside = insideChecker(root);
  for (const node of nodes) {
    const file = join(dir, `${node}.json`);
    let text: string;
    try {
      text = readStateSync(file, 'record');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') onCorrupt?.(file, (err as Error).message);
      continue;
    }
    const rec = checkedRecord(text, file, node, onCorrupt);
    // A record is input (a cloned repository ships them): one whose output leads outside the
    // project would have aivp delete, copy or upload a file that is not the project's.
    const bad = rec?.outputs.map((o) => [o.path, outside(o.path)] as const).find(([, why]) => why);
    const foreign = owns && rec?.outputs.find((o) => !owns(node, o.path));
    if (bad) onCorrupt?.(file, `output \`${bad[0]}\` ${OUTSIDE[bad[1]!]}`);
    else if (foreign) onCorrupt?.(file, `output \`${foreign.path}\` is not a file the node \`${node}\` writes`);
    else if (rec) out.set(node, rec);
  }
  return out;
}

/** Pretty JSON, known fields in schema order, every nested object's keys sorted, trailing newline. */
export function serializeRecord(rec: NodeRecord): string {
  const top = rec as unknown as Record<string, unknown>;
  const known = new Set<string>(FIELD_ORDER);
  const keys = [...FIELD_ORDER.filter((k) => k in top), ...Object.keys(top).filter((k) => !known.has(k)).sort()];
  const ordered = Object.fromEntries(keys.map((k) => [k, sortKeys(top[k])]));
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

const OUTSIDE: Record<Outside, string> = {
  absolute: 'is an absolute path',
  outside: 'leads outside the project folder',
  symlink: 'leads outside the project folder through a symbolic link',
};

/** Parses a record, or undefined when the text is not a usable record. */
export function parseRecord(text: string): NodeRecord | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isRecord(v) && v.outputs.every((o) => isPlainRelative(o.path)) ? v : undefined;
}

function checkedRecord(text: string, file: string, node: string, onCorrupt?: OnCorrupt): NodeRecord | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    v = undefined;
  }
  if (!isRecord(v)) onCorrupt?.(file, 'not a valid aivp record (corrupt or hand-edited JSON)');
  else if (v.node !== node) onCorrupt?.(file, `records node "${v.node}", expected "${node}"`);
  else {
    const odd = v.outputs.find((o) => !isPlainRelative(o.path));
    if (!odd) return v;
    onCorrupt?.(file, `output \`${odd.path}\` is not a path aivp writes (relative, no \`..\`)`);
  }
  return undefined;
}

function isRecord(v: unknown): v is NodeRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    r.aivp === 1 &&
    typeof r.node === 'string' &&
    typeof r.key === 'string' &&
    typeof r.kind === 'string' &&
    KEY_RE.test(r.key) &&
    Array.isArray(r.outputs) &&
    r.outputs.every((o) => typeof o === 'object' && o !== null && typeof o.path === 'string' && typeof o.sha256 === 'string' && SHA256_RE.test(o.sha256)) &&
    Array.isArray(r.inputs) &&
    r.inputs.every((i) => typeof i === 'object' && i !== null && (i.sha256 === undefined || (typeof i.sha256 === 'string' && SHA256_RE.test(i.sha256)))) &&
    typeof r.pick === 'number'
  );
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v !== 'object' || v === null) return v;
  // fromEntries defines each key as its own: a `params.__proto__` stays a field, never a prototype.
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
}
