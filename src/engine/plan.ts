// The planner: graph + records -> what is stale, why, and what it would cost. Runs nothing.
import type { Graph, GraphNode } from '../graph/types.js';
import { estimateCost, lookupModel } from '../providers/models.js';
import { resolveSize } from '../providers/size.js';
import { assess, type Assessment } from './assess.js';
import { pickedOf } from './pick.js';
import type { PlanEntry } from './plan-types.js';
import type { RecordInput } from './record-types.js';
import type { Workspace } from './workspace.js';

export interface PlanOptions {
  /** Nodes to consider (a target selection with its dependencies), in any order. */
  selected: Set<string>;
  /** Nodes to regenerate even when up to date. */
  force: Set<string>;
}

export interface BuildPlan {
  entries: PlanEntry[];
  estimateUsd: number;
  /** Assessments of nodes whose inputs were all known at plan time. */
  assessments: Map<string, Assessment>;
  /** Models with no known price among the nodes to generate. */
  unpriced: string[];
}

const WILL_RUN = new Set(['new', 'stale']);

export async function planBuild(ws: Workspace, graph: Graph, opts: PlanOptions): Promise<BuildPlan> {
  const picked = new Map<string, string>();
  const assessments = new Map<string, Assessment>();
  const entries: PlanEntry[] = [];
  const unpriced = new Set<string>();
  for (const name of graph.order) {
    if (!opts.selected.has(name)) continue;
    const node = graph.nodes.get(name)!;
    const entry: PlanEntry = {
      node: name, kind: node.kind, provider: node.source ? 'source' : node.provider, model: node.model,
      status: 'source', reasons: [], estimateUsd: 0,
    };
    entries.push(entry);
    if (node.source) continue;
    const inputs = await resolveInputs(ws, node, picked);
    if ('pending' in inputs) {
      const recorded = ws.records.has(name);
      entry.status = recorded ? 'stale' : 'new';
      entry.reasons = recorded ? inputs.pending.map((n) => `input ${n} will be rebuilt`) : ['new'];
    } else {
      const a = await assess(ws, node, inputs, opts.force.has(name));
      assessments.set(name, a);
      Object.assign(entry, { status: a.status, reasons: a.reasons, key: a.key });
      if (a.pickedSha256) picked.set(name, a.pickedSha256);
      else if (a.cached) picked.set(name, pickedOf(a.cached, node).sha256);
    }
    if (WILL_RUN.has(entry.status)) {
      const cost = nodeEstimate(ws, node);
      if (cost === undefined) unpriced.add(node.model);
      entry.estimateUsd = cost ?? 0;
    }
  }
  const estimateUsd = Math.round(entries.reduce((s, e) => s + e.estimateUsd, 0) * 10_000) / 10_000;
  return { entries, estimateUsd, assessments, unpriced: [...unpriced] };
}

/** Content hashes of a node's inputs, or the upstream nodes whose output is not known yet. */
export async function resolveInputs(
  ws: Workspace,
  node: GraphNode,
  picked: Map<string, string>,
): Promise<RecordInput[] | { pending: string[] }> {
  const inputs: RecordInput[] = [];
  const pending: string[] = [];
  for (const edge of node.inputs) {
    const sha256 = edge.file ? await ws.hash(edge.file) : picked.get(edge.node);
    if (sha256 === undefined) {
      if (edge.file) throw new Error(`source image ${edge.file} of ${edge.node} is missing`);
      pending.push(edge.node);
    } else {
      inputs.push({ role: edge.role, name: edge.label, sha256 });
    }
  }
  return pending.length ? { pending: [...new Set(pending)] } : inputs;
}

export function nodeEstimate(ws: Workspace, node: GraphNode): number | undefined {
  const spec = node.spec;
  const info = lookupModel(node.model, spec.kind === 'segment' ? 'video' : 'image');
  if (!info) return undefined;
  const size = spec.kind === 'segment' ? undefined : resolveSize(spec.size ?? 'landscape');
  return estimateCost(
    info.info,
    {
      width: size?.width,
      height: size?.height,
      numImages: spec.kind === 'segment' ? 1 : spec.num_images,
      durationSeconds: spec.kind === 'segment' ? spec.duration : undefined,
    },
    ws.project.prices[node.model],
  );
}
