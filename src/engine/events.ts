// Build events: the engine's only way of talking to the outside. Renderers (listr2, plain lines,
// NDJSON), watch mode and tests subscribe; the engine imports none of them.
import type { Progress } from '../providers/types.js';
import type { PlanEntry } from './plan-types.js';

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
}

export type BuildEvent =
  | { type: 'plan'; entries: PlanEntry[]; estimateUsd: number }
  | { type: 'node:start'; node: string; provider: string; model: string; attempt: number }
  | { type: 'node:progress'; node: string; progress: Progress }
  | { type: 'node:retry'; node: string; attempt: number; delayMs: number; error: string }
  | { type: 'node:fallback'; node: string; from: string; to: string; error: string }
  | { type: 'node:done'; node: string; outcome: NodeOutcome; costUsd: number; durationMs: number; outputs: string[] }
  | { type: 'node:failed'; node: string; error: string }
  | { type: 'node:skipped'; node: string; reason: string }
  | { type: 'warning'; message: string; node?: string; file?: string; line?: number; col?: number; field?: string; hint?: string }
  | { type: 'build:done'; summary: BuildSummary };

export type BuildListener = (event: BuildEvent) => void;
