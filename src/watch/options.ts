// What `watchProject` is given: the project folder, targets, where events and lines go, and the
// hooks of its callers (the gallery refresh, tests' scripted providers).
import type { ContextOverrides } from '../context/config.js';
import type { BuildListener } from '../engine/events.js';
import type { Failure } from '../engine/store/failures.js';
import type { WorkspaceState } from '../engine/workspace.js';
import type { ResolvedProject } from '../project/types.js';

export interface WatchOptions {
  dir: string;
  targets: string[];
  draft?: boolean;
  emit: BuildListener;
  /** Human lines: errors of an invalid edit, what is in flight, the status after each build. */
  log(line: string): void;
  signal: AbortSignal;
  /** Trailing debounce: a burst of saves gives one re-plan. At least 60 ms (files.ts). */
  debounceMs?: number;
  /** Scripted providers, a fast retry base (tests); by default the real ones and AIVP_RETRY_BASE_MS at each rebuild. */
  overrides?: ContextOverrides;
  /** Each burst of file changes, and those of its paths that counted as edits (not our own writes). */
  onChanges?(paths: string[], edits: string[]): void;
  /** What the session keeps between rebuilds (records read, stat cache); pass one to share it (the gallery). */
  state?: WorkspaceState;
  /** After each re-plan of a good edit, built or found up to date (gallery refresh, live reload). */
  onSettled?(project: ResolvedProject, failures: Map<string, Failure>): Promise<void>;
}
