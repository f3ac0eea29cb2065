// The engine's entry points: project -> graph -> plan -> (checks) -> executor -> records.
import { buildGraph } from '../graph/build.js';
import { selectTargets } from '../graph/targets.js';
import type { Graph } from '../graph/types.js';
import type { ResolvedProject } from '../project/types.js';
import type { ProviderId } from '../providers/types.js';
import { planBuild, type BuildPlan } from './plan.js';
import type { TeamCache } from './team.js';
import { openWorkspace, type Workspace, type WorkspaceState } from './workspace.js';

export interface PrepareOptions {
  draft?: boolean;
  targets?: string[];
  /** Node names or globs to regenerate; `true` forces every selected node. */
  force?: string[] | true;
  /** Consulted for stale nodes after the local content cache; never for a draft build (drafts are free). */
  team?: TeamCache;
  /** What earlier builds of the session read (watch): only what changed since is read again. */
  state?: WorkspaceState;
}

export interface PreparedBuild {
  graph: Graph;
  ws: Workspace;
  selected: Set<string>;
  force: Set<string>;
  plan: BuildPlan;
}

export async function prepareBuild(project: ResolvedProject, opts: PrepareOptions = {}): Promise<PreparedBuild> {
  const graph = buildGraph(project, { draft: opts.draft });
  const selected = selectTargets(graph, opts.targets ?? []);
  const force = opts.force === true
    ? new Set(selected)
    : opts.force?.length ? selectTargets(graph, opts.force, { withDeps: false }) : new Set<string>();
  const ws = await openWorkspace(project, opts.draft ? undefined : opts.team, opts.state);
  const plan = await planBuild(ws, graph, { selected, force });
  return { graph, ws, selected, force, plan };
}

/** The providers each node to generate may call: its model's and, outside drafts, its fallbacks'. */
export function providersByNode({ plan, graph }: PreparedBuild): Map<string, Set<ProviderId>> {
  const byNode = new Map<string, Set<ProviderId>>();
  for (const e of plan.entries.filter((e) => e.status === 'new' || e.status === 'stale')) {
    byNode.set(e.node, new Set(graph.nodes.get(e.node)!.providers));
  }
  return byNode;
}
