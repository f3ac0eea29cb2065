// What a provider tells the rest of aivp about itself, without loading its SDK: how model ids
// route to it, its rows of the model table, its key variables, whether the environment can
// authenticate it, and how to load it. The registry (registry.ts) lists one per provider.
import type { Env } from '../base/env.js';
import type { PublishedCatalogue } from './published.js';
import type { ModelInfo, Provider, ProviderId } from './types.js';

/** The row of a video model the table does not list: its first keyframe as `image_url`, nothing else assumed. */
export function genericVideoRow(id: string, provider: ProviderId): ModelInfo {
  return { id, provider, task: 'i2v', media: 'video', size: 'none', imageField: 'image_url', price: {} };
}

export interface ProviderDescriptor {
  id: ProviderId;
  /** Unprefixed model ids it serves by their shape; tried in registry order. Without: `<id>:<model>` only. */
  shape?: RegExp;
  /** How its ids look, for the message about an id no provider serves. */
  shapeHint?: string;
  /** Whether a user may write `<id>:<model>` and set `providers.<id>` (not the film's assembler). */
  named: boolean;
  /** What it is and which key it needs, in one line: the schema's `providers.<id>` (scripts/compile-schema.mjs). */
  about: string;
  models: readonly ModelInfo[];
  /** The row for an id of this provider that the table does not list (no price: no estimate). */
  genericRow?(id: string, media: 'image' | 'video'): ModelInfo;
  /**
   * The model inputs the provider publishes (fal's endpoint catalogue): validate refuses an id it
   * lacks, a field it requires that a node leaves out, and `params` outside it.
   */
  catalogue?: PublishedCatalogue;
  /** Input and reference images travel inside the request (Google, draft), not through a named field. */
  inlineImages?: boolean;
  /** Takes images by web address too (`GenerateRequest.urls`), not only as local files (fal). */
  remoteImages?: boolean;
  /** Several takes are made by sending the request again (Google, Stability), whatever the row says. */
  repeats?: boolean;
  /** Costs nothing (the offline renderer, the film's assembler). */
  free?: boolean;
  /** Requests in flight at once unless the project sets `providers.<id>.concurrency`. */
  concurrency: number;
  /** The environment it reads, by prefix (`FAL_`) or whole name: a change may change a build's answer. */
  env: readonly string[];
  /**
   * The variables that choose where its requests (and so its keys) go: base URLs, proxies,
   * credential files, metadata hosts. Taken from the shell or a `.env` git does not track, never
   * from one that came with the files (base/env.ts).
   */
  endpointVars: readonly string[];
  /** The variables that hold its keys, for messages about a key pasted into the project file. */
  keyVars: readonly string[];
  /** Why the environment cannot authenticate it (one sentence naming the variables), or undefined. */
  missingKey(env: Env): string | undefined;
  /** Loads its module (and SDK) on the first request, so a draft or no-op build pays for none. */
  load(env: Env, root: string | undefined): Promise<Provider>;
}
