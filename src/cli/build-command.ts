// `aivp plan` and `aivp build`: load, plan, refuse what must be refused before anything is spent,
// then run the executor with a renderer subscribed to its events.
import { budgetRefusal } from '../engine/budget.js';
import { prepareBuild, providersByNode, type PreparedBuild } from '../engine/build.js';
import type { BuildEvent, BuildListener, BuildSummary } from '../engine/events.js';
import { failureTracker, updateFailures } from '../engine/store/failures.js';
import { acquireBuildLock } from '../engine/store/lock.js';
import { loadEnv, retryBaseMs, type Env } from '../base/env.js';
import { UsageError } from '../base/errors.js';
import { isNoop, saveFastPath } from './fastpath/save.js';
import { findFfmpeg } from '../media/ffmpeg.js';
import type { ResolvedProject } from '../project/types.js';
import { createProviders, missingCredentials } from '../providers/index.js';
import { openTeamCache } from '../remote/index.js';
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
  const project = await loadAndWarn(dir, flags.json ? 'none' : 'text');
  const env = loadEnv(project.root);
  const team = flags.draft ? undefined : await openTeamCache(project, env);
  team?.attach((message) => process.stderr.write(`warning: ${message}\n`));
  const prepared = await prepareBuild(project, { draft: flags.draft, targets, team });
  const { plan, ws } = prepared;
  warnUnusable(ws.problems);
  const missing = missingKeys(prepared, env);
  // The hashes it had to compute are kept, so the next plan or build reads no file again; the
  // cache only ever saves work, so a folder it cannot be written to costs nothing but speed.
  await ws.save().catch(() => undefined);
  if (flags.json) {
    const doc = { entries: plan.entries, estimateUsd: plan.estimateUsd, unpriced: plan.unpriced, missingKeys: missing, warnings: project.warnings };
    process.stdout.write(`${JSON.stringify(doc)}\n`);
  } else {
    process.stdout.write(`${formatPlan(plan)}\n`);
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
  const project = await loadAndWarn(dir, flags.json ? 'events' : 'text');
  const force = flags.force === true ? true : Array.isArray(flags.force) ? flags.force : undefined;
  const env = loadEnv(project.root);
  retryBaseMs(env);
  const team = flags.draft ? undefined : await openTeamCache(project, env);
  const prepared = await prepareBuild(project, { draft: flags.draft, targets, force, team });
  const unavailable = refuseBeforeSpending(project, prepared, flags, env);
  const release = await acquireBuildLock(project.root);
  try {
    const events: BuildEvent[] = [];
    const summary = await runBuild(project, prepared, flags, env, unavailable, (e) => events.push(e));
    // Like `make -k`: what could not be built (a failure, or a missing key) makes the build incomplete.
    const code = summary.interrupted ? 130 : summary.failed || unavailable.size ? 1 : 0;
    // The next identical run with nothing changed is answered without loading the project.
    if (code === 0 && isNoop(summary) && !force) await saveFastPath(prepared, process.argv.slice(2), flags.json === true, project.warnings, events);
    return code;
  } finally {
    await release();
  }
}

/**
 * Budget and credentials are checked against the plan, so a refused build spends nothing. With
 * --keep-going, nodes whose provider has no credentials are skipped instead (returned: node -> why).
 */
function refuseBeforeSpending(project: ResolvedProject, prepared: PreparedBuild, flags: BuildFlags, env: Env): Map<string, string> {
  const refusal = budgetRefusal(prepared.plan, flags.budget ?? project.budget);
  if (refusal) {
    throw new UsageError(`${refusal}\nnothing was generated`);
  }
  const missing = missingKeys(prepared, env);
  if (missing.length && !flags.keepGoing) {
    const lines = missing.map((m) => `${m.message} (needed by ${listNodes(m.nodes)})`);
    throw new UsageError(`${lines.join('\n')}\nnothing was generated (preview offline with --draft, or pass --keep-going to build what the keys you have allow)`);
  }
  refuseWithoutFfmpeg(prepared, env);
  const unavailable = new Map<string, string>();
  for (const m of missing) for (const n of m.nodes) if (!unavailable.has(n)) unavailable.set(n, `missing key: ${m.message}`);
  return unavailable;
}

/** Draft clips and the film need ffmpeg: without one, the build stops with the install command. */
function refuseWithoutFfmpeg(prepared: PreparedBuild, env: Env): void {
  const videoWork = prepared.plan.entries.some((e) => {
    const node = prepared.graph.nodes.get(e.node)!;
    return (e.status === 'new' || e.status === 'stale') && (node.kind === 'film' || (node.kind === 'segment' && node.provider === 'draft'));
  });
  const ffmpeg = videoWork ? findFfmpeg(env) : undefined;
  if (ffmpeg && 'missing' in ffmpeg) throw new UsageError(`${ffmpeg.missing}\nnothing was generated`);
}

export interface MissingKey {
  provider: string;
  message: string;
  /** Nodes to generate that would call this provider. */
  nodes: string[];
}

/** Each provider the plan would call without credentials, with the nodes that need it. */
function missingKeys(prepared: PreparedBuild, env: Env): MissingKey[] {
  const byNode = providersByNode(prepared);
  const missing: MissingKey[] = [];
  for (const provider of new Set([...byNode.values()].flatMap((s) => [...s]))) {
    const [message] = missingCredentials(env, new Set([provider]));
    if (message) missing.push({ provider, message, nodes: [...byNode].filter(([, s]) => s.has(provider)).map(([n]) => n) });
  }
  return missing;
}

function listNodes(nodes: string[]): string {
  return nodes.length > 5 ? `${nodes.slice(0, 5).join(', ')} and ${nodes.length - 5} more` : nodes.join(', ');
}

async function runBuild(
  project: ResolvedProject, prepared: PreparedBuild, flags: BuildFlags, env: Env, unavailable: Map<string, string>,
  record: BuildListener,
): Promise<BuildSummary> {
  const controller = new AbortController();
  const stopListening = onInterrupt(controller);
  const render: BuildListener = flags.json
    ? jsonRenderer()
    : process.stderr.isTTY && !process.env.CI
      ? (await import('./render/listr.js')).listrRenderer(prepared.plan)
      : plainRenderer();
  const { executeBuild } = await import('../engine/execute.js');
  const failures = failureTracker();
  const emit: BuildListener = (e) => {
    failures.see(e);
    record(e);
    render(e);
  };
  emit({ type: 'plan', entries: prepared.plan.entries, estimateUsd: prepared.plan.estimateUsd });
  try {
    const summary = await executeBuild({
      prepared,
      providers: createProviders(env, project.root),
      jobs: flags.jobs,
      keepGoing: flags.keepGoing,
      unavailable,
      signal: controller.signal,
      emit,
      retryBaseMs: retryBaseMs(env),
    });
    await updateFailures(project.root, failures.failed, failures.done);
    return summary;
  } finally {
    stopListening();
  }
}

/** Record files the build cannot use, on stderr (a build reports them as warning events). */
export function warnUnusable(problems: string[]): void {
  for (const p of problems) process.stderr.write(`warning: ${p}\n`);
}

