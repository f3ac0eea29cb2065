// `aivp cache status|push|pull`: the team cache outside a build. Output on stdout, warnings on stderr;
// exit 1 when the team cache could not be reached (the warning says why).
import { UsageError } from '../base/errors.js';
import { BuildContext } from '../context/context.js';
import type { PreparedBuild } from '../engine/build.js';
import type { RemoteTeamCache } from '../remote/index.js';
import { pullOutputs, pushRecords, teamStatus } from '../remote/sync.js';
import { loadAndWarn } from './load-project.js';
import { formatBytes } from './format.js';
import { LAYOUT } from '../base/layout.js';

async function open(dir: string): Promise<{ prepared: PreparedBuild; team: RemoteTeamCache }> {
  const project = await loadAndWarn(dir);
  const ctx = await BuildContext.open(project);
  const team = ctx.config.team;
  if (!team) throw new UsageError('no team cache: set `cache.remote: s3://bucket/prefix` in aivp.project.yaml or AIVP_CACHE_REMOTE in the environment');
  team.attach((message) => process.stderr.write(`warning: ${message}\n`));
  return { prepared: await ctx.prepare(), team };
}

const out = (line: string) => process.stdout.write(`${line}\n`);
const names = (list: string[]) => (list.length ? list.join(', ') : 'none');

export async function cacheStatusCommand(dir: string, flags: { json?: boolean }): Promise<number> {
  const { prepared, team } = await open(dir);
  const found = await teamStatus(prepared, team);
  // Unreached, the store's answers are unknown: no node can be said to be local only.
  const entries = team.off ? [] : found;
  if (flags.json) {
    out(JSON.stringify({ remote: team.url, reachable: !team.off, entries }));
    return team.off ? 1 : 0;
  }
  if (team.off) {
    out(`team cache ${team.url} unreachable: what it holds is unknown (the warning says why)`);
    return 1;
  }
  out(`team cache ${team.url}`);
  const width = Math.max(4, ...entries.map((e) => e.node.length));
  const HINT: Record<string, string> = {
    'local only': 'aivp cache push uploads it',
    missing: 'built nowhere yet',
    unknown: 'its inputs are not built yet',
  };
  for (const e of entries) out(`  ${e.state.padEnd(14)} ${e.node.padEnd(width)}  ${HINT[e.state] ?? ''}`.trimEnd());
  const shared = entries.filter((e) => e.state === 'in team cache').length;
  out(`\n${shared} of ${entries.length} nodes in the team cache`);
  return team.off ? 1 : 0;
}

export async function cachePushCommand(dir: string): Promise<number> {
  const { prepared, team } = await open(dir);
  const r = await pushRecords(prepared, team);
  out(`pushed ${r.pushed.length} node(s) (${formatBytes(r.bytes)}) to ${team.url}: ${names(r.pushed)}`);
  if (r.present.length) out(`already there: ${names(r.present)}`);
  if (r.skipped.length) out(`not pushed (outputs edited by hand or gone, and not in the local cache): ${names(r.skipped)}`);
  return team.off ? 1 : 0;
}

export async function cachePullCommand(dir: string): Promise<number> {
  const { prepared, team } = await open(dir);
  const r = await pullOutputs(prepared, team);
  out(`pulled ${r.pulled.length} node(s) (${formatBytes(r.bytes)}) from ${team.url} into ${LAYOUT.cache}: ${names(r.pulled)}`);
  if (r.absent.length) out(`not in the team cache (a build generates them): ${names(r.absent)}`);
  if (r.pulled.length) out('`aivp build` restores them at no cost, offline too');
  return team.off ? 1 : 0;
}
