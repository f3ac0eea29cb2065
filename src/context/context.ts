// The one front door of a build: the configuration resolved once (config.ts), one preflight
// (preflight.ts) and one way to run the executor that keeps the same state whoever calls it.
// `build`, `plan`, `watch`, `gallery` and the cache commands open a build here.
import { prepareBuild, type PreparedBuild } from '../engine/build.js';
import type { BuildControl } from '../engine/control.js';
import type { BuildEvent, BuildListener, BuildSummary } from '../engine/events.js';
import type { ProviderSlots } from '../engine/slots.js';
import { failureTracker, updateFailures } from '../engine/store/failures.js';
import { acquireBuildLock } from '../engine/store/lock.js';
import type { WorkspaceState } from '../engine/workspace.js';
import type { ResolvedProject } from '../project/types.js';
import { createProviders } from '../providers/index.js';
import { resolveConfig, type BuildOptions, type ContextOverrides, type ResolvedConfig } from './config.js';
import { preflight, type Preflight } from './preflight.js';

export interface RunOptions {
  signal: AbortSignal;
  emit: BuildListener;
  /** Nodes to skip with their dependents: node -> why (from the preflight). */
  unavailable?: Map<string, string>;
  /** Default: the configuration's. Watch always keeps going. */
  keepGoing?: boolean;
  control?: BuildControl;
  slots?: ProviderSlots;
}

export class BuildContext {
  private constructor(
    readonly config: ResolvedConfig,
    private readonly overrides: ContextOverrides,
  ) {}

  static async open(project: ResolvedProject, opts: BuildOptions = {}, overrides: ContextOverrides = {}): Promise<BuildContext> {
    return new BuildContext(await resolveConfig(project, opts, overrides), overrides);
  }

  /** Graph, workspace and plan; `state` carries what earlier plans of a session read (watch, its gallery). */
  prepare(state?: WorkspaceState): Promise<PreparedBuild> {
    const { project, draft, targets, force, team } = this.config;
    return prepareBuild(project, { draft, targets, force, team, state });
  }

  /** What must stop the build before anything is spent, and the nodes it skips. */
  preflight(prepared: PreparedBuild): Preflight {
    // Scripted providers (tests) stand in for the real ones, keys and all.
    return preflight(this.config, prepared, { keys: !this.overrides.providers });
  }

  lock(): Promise<() => Promise<void>> {
    return acquireBuildLock(this.config.project.root);
  }

  /**
   * Runs the plan; the failures log (`.aivp/failures.json`) is kept whoever runs it, and is
   * written before `build:done` is passed on, so a listener told the build is done finds it.
   */
  async execute(prepared: PreparedBuild, run: RunOptions): Promise<BuildSummary> {
    const { env, project, jobs, keepGoing } = this.config;
    const { executeBuild } = await import('../engine/execute.js');
    const failures = failureTracker();
    let done: BuildEvent | undefined;
    const summary = await executeBuild({
      prepared,
      providers: (this.overrides.providers ?? createProviders)(env, project.root),
      jobs,
      keepGoing: run.keepGoing ?? keepGoing,
      unavailable: run.unavailable,
      signal: run.signal,
      emit: (e) => {
        failures.see(e);
        if (e.type === 'build:done') done = e;
        else run.emit(e);
      },
      retryBaseMs: this.config.retryBaseMs,
      control: run.control,
      slots: run.slots,
    });
    await updateFailures(project.root, failures.failed, failures.done);
    if (done) run.emit(done);
    return summary;
  }
}
