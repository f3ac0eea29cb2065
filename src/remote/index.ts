// The team cache for a project, when one is configured: the S3 SDK is loaded only then.
import type { Env } from '../base/env.js';
import type { ResolvedProject } from '../project/types.js';
import { remoteTarget } from '../project/remote-target.js';
import type { RemoteTeamCache } from './team-cache.js';

export type { RemoteTeamCache } from './team-cache.js';

export async function openTeamCache(project: ResolvedProject, env: Env): Promise<RemoteTeamCache | undefined> {
  const target = remoteTarget(project, env);
  if (!target) return undefined;
  const [{ createS3Store }, { createTeamCache }] = await Promise.all([import('./s3-store.js'), import('./team-cache.js')]);
  return createTeamCache(createS3Store(target, env), { root: project.root });
}
