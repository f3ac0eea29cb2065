// What a node would cost and whether a plan fits a budget: the one place both `build` and `watch`
// ask. A node's estimate is its worst case over its model and fallbacks (any of them may run), and
// a model without a price is unknown, never $0: under a budget it is refused before anything is sent.
import type { GraphNode } from '../graph/types.js';
import { canonicalModel, estimateCost, lookupModel } from '../providers/models.js';
import { resolveSize } from '../providers/size.js';
import type { ResolvedProject } from '../project/types.js';
import type { PlanEntry } from './plan-types.js';
import { formatUsd } from '../base/money.js';

/** USD for one generation of `node` on `model`, or undefined when no price is known. */
export function modelEstimate(project: ResolvedProject, node: GraphNode, model: string): number | undefined {
  const spec = node.spec;
  if (spec.kind === 'film') return 0;
  const info = lookupModel(model, node.media);
  if (!info) return undefined;
  const size = spec.kind === 'segment' ? undefined : resolveSize(spec.size ?? 'landscape');
  return estimateCost(
    info.info,
    {
      width: size?.width,
      height: size?.height,
      numImages: spec.kind === 'segment' ? 1 : spec.num_images,
      durationSeconds: spec.kind === 'segment' ? spec.duration : undefined,
      audio: spec.kind === 'segment' ? spec.audio : undefined,
    },
    project.prices[canonicalModel(model)],
  );
}

export interface NodeEstimate {
  /** The most any model of the chain would cost; null when one of them has no price. */
  usd: number | null;
  /** Models of the chain without a price. */
  unpriced: string[];
}

/** The worst case over the node's model and its fallbacks (a draft run has no fallbacks). */
export function nodeEstimate(project: ResolvedProject, node: GraphNode): NodeEstimate {
  const { models } = node;
  const costs = models.map((m) => modelEstimate(project, node, m));
  const unpriced = [...new Set(models.filter((_, i) => costs[i] === undefined))];
  return { usd: unpriced.length ? null : Math.max(...(costs as number[])), unpriced };
}

export interface Unpriced {
  node: string;
  model: string;
}

/** Why a plan may not run under `budget`, or undefined when it may. */
export function budgetRefusal(
  plan: { entries: PlanEntry[]; estimateUsd: number; unpriced: Unpriced[] },
  budget: number | undefined,
): string | undefined {
  if (budget === undefined) return undefined;
  if (plan.unpriced.length) {
    const lines = plan.unpriced.map(({ node, model }) => {
      const entry = plan.entries.find((e) => e.node === node);
      const unit = entry?.kind === 'segment' ? 'per_second' : 'per_image';
      return `  ${node}: no price known for \`${model}\` (add \`prices: { "${model}": { ${unit}: USD } }\` or use a model from aivp's table)`;
    });
    return `the budget of ${formatUsd(budget)} cannot be checked: ${plan.unpriced.length === 1 ? 'a node has' : 'nodes have'} no known price\n${lines.join('\n')}`;
  }
  if (plan.estimateUsd > budget) {
    return `estimated cost ${formatUsd(plan.estimateUsd)} exceeds the budget of ${formatUsd(budget)} (raise \`budget:\` or pass --budget, build fewer targets, or preview with --draft)`;
  }
  return undefined;
}
