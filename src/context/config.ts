// What a build reads, resolved once (as Vite's ResolvedConfig): the project, the flags, `.env`
// over the environment (with the variables that choose where requests go taken only from the user),
// the retry base, the budget and the team cache. Nobody re-reads raw input.
import { loadEnv, retryBaseMs, type Env } from '../base/env.js';
import type { ResolvedProject } from '../project/types.js';
import { PROVIDERS } from '../providers/registry.js';
import type { Provider, ProviderId } from '../providers/types.js';
import { openTeamCache, type RemoteTeamCache } from '../remote/index.js';

export interface BuildOptions {
  draft?: boolean;
  targets?: string[];
  /** Node names or globs to regenerate; `true` forces every selected node. */
  force?: string[] | true;
  jobs?: number;
  /** Like `make -k`: build what can be built; nodes whose provider has no key are skipped, not refused. */
  keepGoing?: boolean;
  /** USD; default the project's `budget:`. */
  budget?: number;
  /** No team cache even when one is configured (a command that must not reach it). */
  offline?: boolean;
}

/** Seams for tests and watch: scripted providers, a fast retry base. */
export interface ContextOverrides {
  providers?(env: Env, root: string): (id: ProviderId) => Provider;
  retryBaseMs?: number;
}

/** What the build itself reads besides its providers: aivp's settings, the team cache's AWS ones, the terminal's. */
const BUILD_ENV = ['AIVP_', 'AWS_', 'NO_COLOR', 'CI'];

/**
 * The variables that choose where requests and keys go, or what runs, besides each provider's
 * (`endpointVars`): the team cache's store (the AWS SDK's endpoint settings) and bucket, and ffmpeg.
 */
const BUILD_ENDPOINT_ENV = ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_', 'AIVP_CACHE_REMOTE', 'FFMPEG_PATH'];

/** Every variable a `.env` that came with the files may not set (whole names, or prefixes ending in `_`). */
export const USER_ONLY_ENV: readonly string[] = [...BUILD_ENDPOINT_ENV, ...PROVIDERS.flatMap((p) => p.endpointVars)];

/** The environment every command reads, builds and one-offs alike: process.env over the `.env` in `dir`. */
export function commandEnv(dir: string): Env {
  return loadEnv(dir, { userOnly: USER_ONLY_ENV });
}

/** Everything a build reads, resolved once. */
export interface ResolvedConfig {
  project: ResolvedProject;
  /** process.env over the project's `.env`. */
  env: Env;
  draft: boolean;
  targets: string[];
  force?: string[] | true;
  jobs?: number;
  keepGoing: boolean;
  budgetUsd?: number;
  retryBaseMs?: number;
  /** The team cache, when one is configured and this is not a draft. */
  team?: RemoteTeamCache;
  /** The environment variables (prefixes or names) that can change what a build does: the fast path stamps them. */
  envVars: string[];
}

export async function resolveConfig(project: ResolvedProject, opts: BuildOptions, overrides: ContextOverrides): Promise<ResolvedConfig> {
  const env = commandEnv(project.root);
  const draft = opts.draft === true;
  return {
    project, env, draft,
    targets: opts.targets ?? [],
    force: opts.force,
    jobs: opts.jobs,
    keepGoing: opts.keepGoing === true,
    budgetUsd: opts.budget ?? project.budget,
    // Checked before anything is planned: a bad value is a usage error, not a late surprise.
    retryBaseMs: overrides.retryBaseMs ?? retryBaseMs(env),
    team: draft || opts.offline ? undefined : await openTeamCache(project, env),
    envVars: [...new Set([...BUILD_ENV, ...PROVIDERS.flatMap((p) => p.env)])],
  };
}
