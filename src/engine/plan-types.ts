// What the planner decides for each node, and why (ninja's `-d explain`, DVC's `status`).

export type NodeStatus = 'new' | 'uptodate' | 'stale' | 'cached' | 'modified' | 'source';

export interface PlanEntry {
  node: string;
  kind: string;
  provider: string;
  model: string;
  status: NodeStatus;
  /** Human reasons: "prompt changed", "input scene_01 changed", "output missing", ... */
  reasons: string[];
  /** The node's key when computable now (all inputs exist); stale-upstream nodes get theirs at run time. */
  key?: string;
  /** Worst case over the model and its fallbacks; null when one of them has no known price. */
  estimateUsd: number | null;
}
