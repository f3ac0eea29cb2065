// Where the team cache is: `cache.remote` in the project file, overridden by AIVP_CACHE_REMOTE
// (`off` turns it off for one machine or one CI job). Only the location lives here; endpoint and
// credentials stay with the AWS SDK's own settings, never in the project file.
import { UsageError } from '../base/errors.js';
import type { Env } from '../base/env.js';
import type { ResolvedProject } from './types.js';

export interface RemoteTarget {
  bucket: string;
  /** Key prefix without leading or trailing slash; '' for the bucket root. */
  prefix: string;
  /** As written, for messages: `s3://bucket/prefix`. */
  url: string;
}

/** S3 bucket naming rules (3-63 characters, lowercase, digits, dots, hyphens). */
const BUCKET_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** The schema's pattern for `cache.remote`: kept here beside the parser that enforces it. */
export const REMOTE_URL_PATTERN = '^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[^\\s]*)?$';
export const REMOTE_URL_HINT = 'write it as s3://bucket or s3://bucket/prefix (endpoint and credentials come from the AWS environment)';

/** The parsed location, or undefined when the text is not an s3:// URL aivp accepts. */
export function parseRemoteUrl(text: string): RemoteTarget | undefined {
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(text.trim());
  if (!m || !BUCKET_RE.test(m[1])) return undefined;
  const prefix = (m[2] ?? '').replace(/^\/+|\/+$/g, '');
  if (prefix && (/\s/.test(prefix) || prefix.split('/').some((p) => p === '' || p === '.' || p === '..'))) return undefined;
  return { bucket: m[1], prefix, url: prefix ? `s3://${m[1]}/${prefix}` : `s3://${m[1]}` };
}

/** The team cache this build uses, or undefined when none is set or it is turned off. */
export function remoteTarget(project: ResolvedProject, env: Env): RemoteTarget | undefined {
  const fromEnv = env.AIVP_CACHE_REMOTE?.trim();
  if (fromEnv !== undefined && fromEnv !== '') {
    if (/^(off|none|false|0)$/i.test(fromEnv)) return undefined;
    const target = parseRemoteUrl(fromEnv);
    if (!target) throw new UsageError(`AIVP_CACHE_REMOTE=${JSON.stringify(fromEnv)} is not a team cache location: ${REMOTE_URL_HINT}, or off`);
    return target;
  }
  return project.cache.remote === undefined ? undefined : parseRemoteUrl(project.cache.remote);
}
