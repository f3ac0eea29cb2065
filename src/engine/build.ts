// The engine's entry points: project -> graph -> plan -> (checks) -> executor -> records.
import { buildGraph } from '../graph/build.js';
import { selectTargets } from '../graph/targets.js';
import type { Graph } from '../graph/types.js';
import type { ResolvedProject } from '../project/types.js';
import { planBuild, type BuildPlan } from './plan.js';
import { openWorkspace, type Workspace } from './workspace.js';

export interface PrepareOptions {
  draft?: boolean;
  targets?: string[];
  /** Node names or globs to regenerate; `true` forces every selected node. */
  force?: string[] | true;
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
  const ws = await openWorkspace(project);
  const plan = await planBuild(ws, graph, { selected, force });
  return { graph, ws, selected, force, plan };
}
