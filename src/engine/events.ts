// Build events: the engine's only way of talking to the outside. Renderers (listr2, plain lines,
// NDJSON), watch mode and tests subscribe; the engine imports none of them.
import type { Progress } from '../providers/types.js';
import type { PlanEntry } from './plan-types.js';
import type { TeamCacheStats } from './team.js';

export type NodeOutcome = 'built' | 'cached' | 'uptodate';

export interface BuildSummary {
  built: number;
  cached: number;
  uptodate: number;
  failed: number;
  skipped: number;
  spentUsd: number;
  durationMs: number;
  interrupted: boolean;
  /** With a team cache: nodes restored from it, and what moved each way. */
  team?: TeamCacheStats & { restored: number };
}

export type BuildEvent =
  | { type: 'plan'; entries: PlanEntry[]; estimateUsd: number }
  | { type: 'node:start'; node: string; provider: string; model: string; attempt: number }
  | { type: 'node:progress'; node: string; progress: Progress }
  | { type: 'node:retry'; node: string; attempt: number; delayMs: number; error: string }
  | { type: 'node:fallback'; node: string; from: string; to: string; error: string }
  | { type: 'node:done'; node: string; outcome: NodeOutcome; costUsd: number; durationMs: number; outputs: string[]; from?: 'team' }
  | { type: 'node:failed'; node: string; error: string }
  | { type: 'node:skipped'; node: string; reason: string }
  | { type: 'warning'; message: string; node?: string; file?: string; line?: number; col?: number; field?: string; hint?: string }
  | { type: 'build:done'; summary: BuildSummary };

export type BuildListener = (event: BuildEvent) => void;
