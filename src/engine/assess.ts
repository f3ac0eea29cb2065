// Is a node up to date, restorable from the cache, hand-edited, or stale, and why? It reads the
// project's state only through the Workspace (hashes through the stat cache; cached records from
// the content cache and, when there is one, the team cache); shared by `plan` (before anything
// runs) and the executor (again at dispatch, with the real upstream outputs: early cutoff).
import { computeKey, sameParams, seedOf, type KeyInput } from '../graph/keys.js';
import type { GraphNode } from '../graph/types.js';
import type { NodeStatus } from './plan-types.js';
import type { NodeRecord, RecordInput } from './record-types.js';
import type { Workspace } from './workspace.js';

export interface Assessment {
  status: NodeStatus;
  reasons: string[];
  key: string;
  inputs: RecordInput[];
  /** The record in the content cache for this key, when status is 'cached'. */
  cached?: NodeRecord;
  /** Current sha256 of the picked output, when it exists and will not change (uptodate, modified). */
  pickedSha256?: string;
}

export async function assess(
  ws: Workspace,
  node: GraphNode,
  inputs: RecordInput[],
  force: boolean,
): Promise<Assessment> {
  const key = computeKey(node, inputs as KeyInput[]);
  const record = ws.records.get(node.name);
  const current = record ? await ws.currentHashes(record) : [];
  const { pick } = node;
  const edited = record ? record.outputs.some((o, i) => current[i] !== undefined && current[i] !== o.sha256) : false;

  if (!force && edited) {
    // A build killed between writing a new output and its record left bytes the cache knows.
    const cached = await ws.cachedRecord(key);
    if (cached && cached.outputs.every((o) => current.includes(o.sha256))) {
      return { status: 'cached', reasons: ['output matches the cache: record restored'], key, inputs, cached };
    }
    const reasons = ['output modified by hand: kept (use --force to regenerate)'];
    if (record!.key !== key) reasons.push(...changeReasons(node, record!, inputs));
    return { status: 'modified', reasons, key, inputs, pickedSha256: current[pick - 1] ?? current[0] };
  }
  if (record && record.key === key && !force) {
    if (current.every((h) => h !== undefined)) {
      const reasons = record.pick !== pick ? [`take ${pick} now feeds downstream (was ${record.pick}): nothing to generate`] : [];
      return { status: 'uptodate', reasons, key, inputs, pickedSha256: current[pick - 1] };
    }
    const cached = await ws.cachedRecord(key);
    if (cached) return { status: 'cached', reasons: [`output missing: restored from the ${cacheName(ws, cached)}`], key, inputs, cached };
    return { status: 'stale', reasons: ['output missing'], key, inputs };
  }
  if (!record && !force) {
    const untracked = await ws.untrackedOutputs(node);
    if (untracked.length) {
      const cached = await ws.cachedRecord(key);
      const same = cached && untracked.length === cached.outputs.length && cached.outputs.every((o, i) => o.sha256 === untracked[i].sha256);
      if (same) return { status: 'cached', reasons: ['output matches the cache: record restored'], key, inputs, cached };
      const pickedSha256 = untracked[pick - 1]?.sha256 ?? untracked[0].sha256;
      if (node.spec.kind === 'reference' && node.spec.file) {
        return { status: 'source', reasons: [`file ${node.spec.file} exists: used as is (use --force to generate it)`], key, inputs, pickedSha256 };
      }
      return { status: 'modified', reasons: ['output exists without a record: kept (use --force to regenerate)'], key, inputs, pickedSha256 };
    }
  }
  const reasons = force ? ['forced'] : record ? changeReasons(node, record, inputs) : [];
  const cached = force ? undefined : await ws.cachedRecord(key);
  if (cached) return { status: 'cached', reasons: [...reasons, `restored from the ${cacheName(ws, cached)}`], key, inputs, cached };
  return { status: record ? 'stale' : 'new', reasons, key, inputs };
}

function cacheName(ws: Workspace, cached: NodeRecord): string {
  return ws.team?.owns(cached) ? 'team cache' : 'cache';
}

/**
 * Why a recorded node's key no longer matches: each thing that differs, by name. `pending` are
 * upstream nodes whose new output is not known yet (the plan runs before them): they will be rebuilt.
 */
export function changeReasons(node: GraphNode, record: NodeRecord, inputs: RecordInput[], pending: string[] = []): string[] {
  const reasons: string[] = [];
  const spec = node.spec;
  if ((record.prompt ?? null) !== (spec.prompt ?? null)) reasons.push('prompt changed');
  if ((record.seedRequested ?? null) !== (seedOf(spec) ?? null)) reasons.push('seed changed');
  if (record.provider !== node.provider || record.model !== node.model) {
    if (!node.models.includes(record.model) || record.provider !== node.provider) reasons.push('model changed');
  }
  if (!sameParams(node, record.params)) reasons.push(spec.kind === 'film' ? 'edit settings changed' : 'params changed');
  const before = new Map(record.inputs.map((i) => [`${i.role}:${i.name}`, i.sha256]));
  const after = new Map(inputs.map((i) => [`${i.role}:${i.name}`, i.sha256]));
  for (const [k, sha] of after) {
    const name = k.slice(k.indexOf(':') + 1);
    if (!before.has(k)) reasons.push(`input ${name} added`);
    else if (before.get(k) !== sha) reasons.push(`input ${name} changed`);
  }
  const rebuilt = new Set(pending);
  for (const k of before.keys()) {
    const name = k.slice(k.indexOf(':') + 1);
    if (!after.has(k) && !rebuilt.has(name)) reasons.push(`input ${name} removed`);
  }
  for (const name of pending) reasons.push(`input ${name} will be rebuilt`);
  if (reasons.length === 0) reasons.push('inputs reordered or format upgraded');
  return reasons;
}
