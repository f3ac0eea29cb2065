// The planner: graph + records -> what is stale, why, and what it would cost. Runs nothing.
import type { Graph, GraphNode } from '../graph/types.js';
import { assess, changeReasons, type Assessment } from './assess.js';
import { nodeEstimate, type Unpriced } from './budget.js';
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
  /** Sum of the known estimates; `unpriced` lists what it leaves out. */
  estimateUsd: number;
  /** Assessments of nodes whose inputs were all known at plan time. */
  assessments: Map<string, Assessment>;
  /** Nodes to generate whose model (or a fallback) has no known price. */
  unpriced: Unpriced[];
}

const WILL_RUN = new Set(['new', 'stale']);

export async function planBuild(ws: Workspace, graph: Graph, opts: PlanOptions): Promise<BuildPlan> {
  const picked = new Map<string, string>();
  const assessments = new Map<string, Assessment>();
  const entries: PlanEntry[] = [];
  const unpriced: Unpriced[] = [];
  // Source files are the same for the whole plan; thousands of shots share a few references.
  const sources = new Map<string, Promise<string | undefined>>();
  const hashSource = (file: string) => {
    let h = sources.get(file);
    if (!h) sources.set(file, (h = ws.hash(file)));
    return h;
  };
  for (const name of graph.order) {
    if (!opts.selected.has(name)) continue;
    const node = graph.nodes.get(name)!;
    const entry: PlanEntry = {
      node: name, kind: node.kind, provider: node.source ? 'source' : node.provider, model: node.model,
      status: 'source', reasons: [], estimateUsd: 0,
    };
    entries.push(entry);
    if (node.source) continue;
    const inputs = await resolveInputs(ws, node, picked, hashSource);
    if ('pending' in inputs) {
      const record = ws.records.get(name);
      entry.status = record ? 'stale' : 'new';
      entry.reasons = record ? changeReasons(node, record, inputs.known, inputs.pending) : [];
    } else {
      const a = await assess(ws, node, inputs, opts.force.has(name));
      assessments.set(name, a);
      Object.assign(entry, { status: a.status, reasons: a.reasons, key: a.key });
      if (a.pickedSha256) picked.set(name, a.pickedSha256);
      else if (a.cached) picked.set(name, pickedOf(a.cached, node).sha256);
    }
    if (WILL_RUN.has(entry.status)) {
      const cost = nodeEstimate(ws.project, node);
      for (const model of cost.unpriced) unpriced.push({ node: name, model });
      entry.estimateUsd = cost.usd;
    }
  }
  const estimateUsd = Math.round(entries.reduce((s, e) => s + (e.estimateUsd ?? 0), 0) * 10_000) / 10_000;
  return { entries, estimateUsd, assessments, unpriced };
}

/** Content hashes of a node's inputs, or the upstream nodes whose output is not known yet. */
export async function resolveInputs(
  ws: Workspace,
  node: GraphNode,
  picked: Map<string, string>,
  hashSource: (file: string) => Promise<string | undefined> = (file) => ws.hash(file),
): Promise<RecordInput[] | { pending: string[]; known: RecordInput[] }> {
  const inputs: RecordInput[] = [];
  const pending: string[] = [];
  for (const edge of node.inputs) {
    const sha256 = edge.file ? await hashSource(edge.file) : picked.get(edge.node);
    if (sha256 === undefined) {
      if (edge.file) throw new Error(`source image ${edge.file} of ${edge.node} is missing`);
      pending.push(edge.node);
    } else {
      inputs.push({ role: edge.role, name: edge.label, sha256 });
    }
  }
  return pending.length ? { pending: [...new Set(pending)], known: inputs } : inputs;
}
