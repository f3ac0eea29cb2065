// `aivp cache status|push|pull`: the team cache against this project's nodes, outside a build.
// status: what the remote holds for each node; push: every recorded output it lacks (seeding a
// team cache from an existing project); pull: every output the project needs into the local
// content cache, so the next build restores it, offline if need be.
import { join } from 'node:path';
import type { PreparedBuild } from '../engine/build.js';
import type { NodeRecord } from '../engine/record-types.js';
import { hasBlob, putKeyRecord } from '../engine/store/content-cache.js';
import type { RemoteTeamCache } from './team-cache.js';

export type TeamState = 'in team cache' | 'local only' | 'missing' | 'unknown';

export interface StatusEntry {
  node: string;
  state: TeamState;
  key?: string;
}

export interface PushResult {
  /** Records sent, with any blobs the remote lacked. */
  pushed: string[];
  /** Records the remote already had. */
  present: string[];
  /** Records whose outputs are neither in the workspace as recorded nor in the local cache. */
  skipped: string[];
  bytes: number;
}

export interface PullResult {
  pulled: string[];
  /** Nodes to generate: not in the team cache (or not to be had from it). */
  absent: string[];
  bytes: number;
}

export async function teamStatus(prepared: PreparedBuild, team: RemoteTeamCache): Promise<StatusEntry[]> {
  const { plan, graph } = prepared;
  const entries = plan.entries.filter((e) => !graph.nodes.get(e.node)!.source);
  return Promise.all(
    entries.map(async (e): Promise<StatusEntry> => {
      if (!e.key) return { node: e.node, state: 'unknown' };
      const there = (await team.lookup(e.key)) !== undefined;
      const local = e.status === 'uptodate' || e.status === 'modified' || (e.status === 'cached' && !team.owns(plan.assessments.get(e.node)!.cached!));
      return { node: e.node, key: e.key, state: there ? 'in team cache' : local ? 'local only' : 'missing' };
    }),
  );
}

export async function pushRecords(prepared: PreparedBuild, team: RemoteTeamCache): Promise<PushResult> {
  const { ws } = prepared;
  const result: PushResult = { pushed: [], present: [], skipped: [], bytes: 0 };
  const before = team.stats();
  const pushOne = async (rec: NodeRecord): Promise<string[]> => {
    if ((await team.lookup(rec.key)) !== undefined) return result.present;
    // Bytes come from the local cache, else from the workspace while they are what the record says.
    const files = new Map<string, string>();
    for (const o of rec.outputs) {
      if (await hasBlob(ws.root, o.sha256)) continue;
      if ((await ws.hash(o.path)) !== o.sha256) return result.skipped;
      files.set(o.sha256, join(ws.root, o.path));
    }
    return (await team.publishFrom(rec, files)) ? result.pushed : result.skipped;
  };
  const records = [...ws.records.values()].filter((rec) => rec.provider !== 'draft');
  await Promise.all(records.map(async (rec) => (await pushOne(rec)).push(rec.node)));
  await ws.save();
  result.bytes = team.stats().uploadedBytes - before.uploadedBytes;
  for (const list of [result.pushed, result.present, result.skipped]) list.sort();
  return result;
}

export async function pullOutputs(prepared: PreparedBuild, team: RemoteTeamCache): Promise<PullResult> {
  const { plan, ws } = prepared;
  const result: PullResult = { pulled: [], absent: [], bytes: 0 };
  await Promise.all(
    plan.entries.map(async (e) => {
      const a = plan.assessments.get(e.node);
      if (e.status !== 'new' && e.status !== 'stale' && !(a?.cached && team.owns(a.cached))) return;
      const fetched = a?.cached ? await Promise.all(a.cached.outputs.map((o) => team.fetchBlob(o))) : [false];
      if (a?.cached && fetched.every(Boolean)) {
        await putKeyRecord(ws.root, a.cached);
        result.pulled.push(e.node);
      } else {
        result.absent.push(e.node);
      }
    }),
  );
  result.bytes = team.stats().downloadedBytes;
  result.pulled.sort();
  result.absent.sort();
  return result;
}
