// `aivp plan` and `aivp build`: load, plan, refuse what must be refused before anything is spent,
// then run the executor with a renderer subscribed to its events.
import { UsageError } from '../base/errors.js';
import { BuildContext } from '../context/context.js';
import { listNodes, type Refusal } from '../context/preflight.js';
import type { PreparedBuild } from '../engine/build.js';
import type { BuildEvent, BuildListener, BuildSummary } from '../engine/events.js';
import { isNoop, saveFastPath } from './fastpath/save.js';
import { formatPlan } from './format.js';
import { onInterrupt } from './interrupt.js';
import { jsonRenderer } from './render/json.js';
import { plainRenderer } from './render/plain.js';
import { loadAndWarn } from './load-project.js';

export interface PlanFlags {
  draft?: boolean;
  json?: boolean;
}

export async function planCommand(dir: string, targets: string[], flags: PlanFlags): Promise<number> {
  const project = await loadAndWarn(dir, flags.json ? 'none' : 'text', { requests: true });
  const ctx = await BuildContext.open(project, { draft: flags.draft, targets });
  ctx.config.team?.attach((message) => process.stderr.write(`warning: ${message}\n`));
  const prepared = await ctx.prepare();
  const { plan, ws } = prepared;
  warnUnusable(ws.problems);
  const { missing, overBudget } = ctx.preflight(prepared);
  // The hashes it had to compute are kept, so the next plan or build reads no file again; the
  // cache only ever saves work, so a folder it cannot be written to costs nothing but speed.
  await ws.save().catch(() => undefined);
  if (flags.json) {
    const doc = { entries: plan.entries, estimateUsd: plan.estimateUsd, unpriced: plan.unpriced, overBudget, missingKeys: missing, warnings: project.warnings };
    process.stdout.write(`${JSON.stringify(doc)}\n`);
  } else {
    process.stdout.write(`${formatPlan(plan)}\n`);
    if (overBudget) process.stdout.write(`over budget: ${overBudget}\n`);
    for (const m of missing) process.stdout.write(`missing key: ${m.message} (needed by ${listNodes(m.nodes)})\n`);
  }
  return 0;
}

export interface BuildFlags extends PlanFlags {
  force?: string[] | boolean;
  jobs?: number;
  keepGoing?: boolean;
  budget?: number;
}

export async function buildCommand(dir: string, targets: string[], flags: BuildFlags): Promise<number> {
  const project = await loadAndWarn(dir, flags.json ? 'events' : 'text', { requests: true });
  const force = flags.force === true ? true : Array.isArray(flags.force) ? flags.force : undefined;
  const ctx = await BuildContext.open(project, { draft: flags.draft, targets, force, jobs: flags.jobs, keepGoing: flags.keepGoing, budget: flags.budget });
  const prepared = await ctx.prepare();
  // Budget, keys and ffmpeg are checked against the plan, so a refused build spends nothing.
  const { refusal, unavailable } = ctx.preflight(prepared);
  if (refusal) throw new UsageError(refusalMessage(refusal));
  const release = await ctx.lock();
  try {
    const events: BuildEvent[] = [];
    const summary = await runBuild(ctx, prepared, flags, unavailable, (e) => events.push(e));
    // Like `make -k`: what could not be built (a failure, or a missing key) makes the build incomplete.
    const code = summary.interrupted ? 130 : summary.failed || unavailable.size ? 1 : 0;
    // The next identical run with nothing changed is answered without loading the project.
    if (code === 0 && isNoop(summary) && !force) {
      await saveFastPath(prepared, { argv: process.argv.slice(2), json: flags.json === true, warnings: project.warnings, events, envVars: ctx.config.envVars });
    }
    return code;
  } finally {
    await release();
  }
}

function refusalMessage(r: Refusal): string {
  const hint = r.keys ? ' (preview offline with --draft, or pass --keep-going to build what the keys you have allow)' : '';
  return `${r.reason}\nnothing was generated${hint}`;
}

async function runBuild(
  ctx: BuildContext, prepared: PreparedBuild, flags: BuildFlags, unavailable: Map<string, string>, record: BuildListener,
): Promise<BuildSummary> {
  const controller = new AbortController();
  const stopListening = onInterrupt(controller);
  // listr2 wraps rows at stdout's width: a terminal reporting none (0 columns) gets plain lines.
  const render: BuildListener = flags.json
    ? jsonRenderer()
    : process.stderr.isTTY && !process.env.CI && process.stdout.columns !== 0
      ? (await import('./render/listr.js')).listrRenderer(prepared.plan)
      : plainRenderer();
  const emit: BuildListener = (e) => {
    record(e);
    render(e);
  };
  emit({ type: 'plan', entries: prepared.plan.entries, estimateUsd: prepared.plan.estimateUsd });
  try {
    return await ctx.execute(prepared, { signal: controller.signal, emit, unavailable });
  } finally {
    stopListening();
  }
}

/** Record files the build cannot use, on stderr (a build reports them as warning events). */
export function warnUnusable(problems: string[]): void {
  for (const p of problems) process.stderr.write(`warning: ${p}\n`);
}
