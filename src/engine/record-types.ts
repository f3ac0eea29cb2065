// What was produced: one record per node in `metadata/<name>.json` (DVC's lock, split per node
// so it merges cleanly in git). Written atomically, only after every output is in place.
import type { FilmCut } from '../media/cut.js';

export interface OutputFile {
  /** Relative to the project root, with extension. */
  path: string;
  sha256: string;
  bytes: number;
  width?: number;
  height?: number;
  mediaType: string;
}

export interface RecordInput {
  role: string;
  /** Node name, or `dir/stem`. */
  name: string;
  sha256: string;
}

export interface NodeRecord {
  aivp: 1;
  node: string;
  kind: string;
  key: string;
  provider: string;
  model: string;
  prompt?: string;
  /** Everything else that went into the key: size, num_images, duration, params, ... */
  params: Record<string, unknown>;
  /** The seed the project asked for (undefined: provider's choice). */
  seedRequested?: number;
  /** The seed actually used, recorded even when the project gave none. */
  seed?: number;
  inputs: RecordInput[];
  outputs: OutputFile[];
  /** 1-based index into outputs of the image that feeds downstream. */
  pick: number;
  requestId?: string;
  costUsd: number;
  durationMs: number;
  /** ISO time of the generation (restores from the cache keep the original). */
  createdAt: string;
  /** Set when this output was restored from the content cache rather than generated now. */
  restoredAt?: string;
  /** The film only: true when a clip it was cut from is a draft (an animatic, not the real film). */
  draft?: boolean;
  /** The film only: each segment's start and length in it, after crossfades (what the storyboard's times come from). */
  cut?: FilmCut;
}

/** Written before waiting on a provider, so an interrupted build re-attaches instead of paying again. */
export interface InflightRecord {
  node: string;
  key: string;
  provider: string;
  model: string;
  requestId: string;
  submittedAt: string;
}
