// `aivp plan` and `aivp build`: load, plan, refuse what must be refused before anything is spent,
// then run the executor with a renderer subscribed to its events.
import { budgetRefusal } from '../engine/budget.js';
import { prepareBuild, type PreparedBuild } from '../engine/build.js';
import type { BuildListener, BuildSummary } from '../engine/events.js';
import { updateFailures } from '../engine/store/failures.js';
import { acquireBuildLock } from '../engine/store/lock.js';
import { loadEnv, type Env } from '../env.js';
import { UsageError } from '../errors.js';
import { loadProject } from '../project/load.js';
import type { ResolvedProject } from '../project/types.js';
import { createProviders, missingCredentials } from '../providers/index.js';
import { routeProvider } from '../providers/models.js';
import { formatPlan } from './format.js';
import { onInterrupt } from './interrupt.js';
import { jsonRenderer } from './render/json.js';
import { plainRenderer } from './render/plain.js';

export interface PlanFlags {
  draft?: boolean;
  json?: boolean;
}

export async function planCommand(dir: string, targets: string[], flags: PlanFlags): Promise<number> {
  const project = await loadAndWarn(dir, flags.json);
  const { plan } = await prepareBuild(project, { draft: flags.draft, targets });
  if (flags.json) process.stdout.write(`${JSON.stringify({ entries: plan.entries, estimateUsd: plan.estimateUsd, unpriced: plan.unpriced })}\n`);
  else process.stdout.write(`${formatPlan(plan)}\n`);
  return 0;
}

export interface BuildFlags extends PlanFlags {
  force?: string[] | boolean;
  jobs?: number;
  keepGoing?: boolean;
  budget?: number;
}

export async function buildCommand(dir: string, targets: string[], flags: BuildFlags): Promise<number> {
  const project = await loadAndWarn(dir, flags.json);
  const force = flags.force === true ? true : Array.isArray(flags.force) ? flags.force : undefined;
  const prepared = await prepareBuild(project, { draft: flags.draft, targets, force });
  const env = loadEnv(project.root);
  refuseBeforeSpending(project, prepared, flags, env);
  const release = await acquireBuildLock(project.root);
  try {
    const summary = await runBuild(project, prepared, flags, env);
    return summary.interrupted ? 130 : summary.failed ? 1 : 0;
  } finally {
    await release();
  }
}

/** Budget and credentials are checked against the plan, so a refused build spends nothing. */
function refuseBeforeSpending(project: ResolvedProject, prepared: PreparedBuild, flags: BuildFlags, env: Env): void {
  const refusal = budgetRefusal(prepared.plan, flags.budget ?? project.budget);
  if (refusal) {
    throw new UsageError(`${refusal}\nnothing was generated`);
  }
  const needed = new Set<string>();
  for (const e of prepared.plan.entries.filter((e) => e.status === 'new' || e.status === 'stale')) {
    const node = prepared.graph.nodes.get(e.node)!;
    needed.add(node.provider);
    if (node.model !== 'draft') for (const fb of node.spec.fallback) needed.add(routeProvider(fb) ?? node.provider);
  }
  const missing = missingCredentials(env, needed);
  if (missing.length) throw new UsageError(`${missing.join('\n')}\nnothing was generated (preview offline with --draft)`);
}

async function runBuild(project: ResolvedProject, prepared: PreparedBuild, flags: BuildFlags, env: Env): Promise<BuildSummary> {
  const controller = new AbortController();
  const stopListening = onInterrupt(controller);
  const render: BuildListener = flags.json
    ? jsonRenderer()
    : process.stderr.isTTY && !process.env.CI
      ? (await import('./render/listr.js')).listrRenderer(prepared.plan)
      : plainRenderer();
  const { executeBuild } = await import('../engine/execute.js');
  render({ type: 'plan', entries: prepared.plan.entries, estimateUsd: prepared.plan.estimateUsd });
  const failed = new Map<string, string>();
  const done: string[] = [];
  const emit: BuildListener = (e) => {
    if (e.type === 'node:failed') failed.set(e.node, e.error);
    if (e.type === 'node:done') done.push(e.node);
    render(e);
  };
  try {
    const summary = await executeBuild({
      prepared,
      providers: createProviders(env, project.root),
      jobs: flags.jobs,
      keepGoing: flags.keepGoing,
      signal: controller.signal,
      emit,
      retryBaseMs: process.env.AIVP_RETRY_BASE_MS ? Number(process.env.AIVP_RETRY_BASE_MS) : undefined,
    });
    await updateFailures(project.root, failed, done);
    return summary;
  } finally {
    stopListening();
  }
}

export async function loadAndWarn(dir: string, quiet?: boolean): Promise<ResolvedProject> {
  const project = await loadProject(dir);
  if (!quiet) for (const w of project.warnings) process.stderr.write(`${w.file}:${w.line}:${w.col}: warning: ${w.message}\n`);
  return project;
}
