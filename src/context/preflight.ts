// The checks before anything is spent, the same for `build` and `watch`: the budget, the keys of
// the providers the plan would call, and ffmpeg where there is video work.
import { budgetRefusal } from '../engine/budget.js';
import { providersByNode, type PreparedBuild } from '../engine/build.js';
import { findFfmpeg } from '../media/ffmpeg.js';
import { missingCredentials } from '../providers/index.js';
import type { ProviderId } from '../providers/types.js';
import type { ResolvedConfig } from './config.js';

export interface MissingKey {
  provider: ProviderId;
  message: string;
  /** Nodes to generate that would call this provider. */
  nodes: string[];
}

/** Why a build must not start. */
export interface Refusal {
  reason: string;
  /** Keys are missing: a draft, or keep-going, would build. */
  keys?: boolean;
}

export interface Preflight {
  refusal?: Refusal;
  /** Why the plan's estimate is over the budget (or cannot be checked against it), whatever else refuses. */
  overBudget?: string;
  missing: MissingKey[];
  /** With keep-going: the nodes skipped for a missing key, node -> why. */
  unavailable: Map<string, string>;
}

export function preflight(config: ResolvedConfig, prepared: PreparedBuild, check: { keys: boolean }): Preflight {
  const missing = check.keys ? missingKeys(config, prepared) : [];
  const unavailable = new Map<string, string>();
  for (const m of missing) for (const n of m.nodes) if (!unavailable.has(n)) unavailable.set(n, `missing key: ${m.message}`);
  const overBudget = budgetRefusal(prepared.plan, config.budgetUsd);
  return { refusal: refusal(config, prepared, missing, overBudget), overBudget, missing, unavailable };
}

function refusal(config: ResolvedConfig, prepared: PreparedBuild, missing: MissingKey[], overBudget: string | undefined): Refusal | undefined {
  if (overBudget) return { reason: overBudget };
  if (missing.length && !config.keepGoing) {
    return { reason: missing.map((m) => `${m.message} (needed by ${listNodes(m.nodes)})`).join('\n'), keys: true };
  }
  const ffmpeg = needsFfmpeg(prepared) ? findFfmpeg(config.env) : undefined;
  if (ffmpeg && 'missing' in ffmpeg) return { reason: ffmpeg.missing };
  return undefined;
}

/** Draft clips and the film are made with ffmpeg. */
function needsFfmpeg(prepared: PreparedBuild): boolean {
  return prepared.plan.entries.some((e) => {
    const node = prepared.graph.nodes.get(e.node)!;
    return (e.status === 'new' || e.status === 'stale') && (node.kind === 'film' || (node.kind === 'segment' && node.provider === 'draft'));
  });
}

/** Each provider the plan would call without credentials, with the nodes that need it. */
function missingKeys(config: ResolvedConfig, prepared: PreparedBuild): MissingKey[] {
  const byNode = providersByNode(prepared);
  const missing: MissingKey[] = [];
  for (const provider of new Set([...byNode.values()].flatMap((s) => [...s]))) {
    const [message] = missingCredentials(config.env, new Set([provider]));
    if (message) missing.push({ provider, message, nodes: [...byNode].filter(([, s]) => s.has(provider)).map(([n]) => n) });
  }
  return missing;
}

export function listNodes(nodes: string[]): string {
  return nodes.length > 5 ? `${nodes.slice(0, 5).join(', ')} and ${nodes.length - 5} more` : nodes.join(', ');
}
