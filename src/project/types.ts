// The project model: what `loadProject()` returns after parsing, validation, `${var}`
// substitution and defaults. Every other module works from these types, never from raw YAML.
import type { Diagnostic } from '../base/errors.js';

export type NodeKind = 'reference' | 'style' | 'shot' | 'segment' | 'film';
export type KeyframePosition = 'first' | 'middle' | 'last';

/** Where a node's image inputs come from: another node's name, or `dir/<stem>` for one image of a dir reference. */
export interface NodeRef {
  name: string;
}

export interface NodeCommon {
  name: string;
  kind: NodeKind;
  /** Prompt after `${var}` substitution; undefined when the node has none (upscalers, sources). */
  prompt?: string;
  /** Names of the vars the prompt used, for explanations. */
  vars: string[];
  model: string;
  params: Record<string, unknown>;
  retries: number;
  /** Seconds; undefined means the provider default. */
  timeout?: number;
  fallback: string[];
  /** Output path relative to the project root, without extension; undefined means the layout default. */
  output?: string;
}

export interface ImageNode extends NodeCommon {
  kind: 'reference' | 'style' | 'shot';
  size?: string;
  seed?: number;
  num_images: number;
  /** 1-based index of the image that feeds downstream. */
  pick: number;
  refs: NodeRef[];
  input?: NodeRef;
  mask?: NodeRef;
  /** `file:` of a reference: a source image (or the generation target when a prompt is also given). Relative to root. */
  file?: string;
  /** `dir:` of a reference: the source images, relative to root, in name order. */
  dir?: string;
  dirFiles?: string[];
}

export interface SegmentNode extends NodeCommon {
  kind: 'segment';
  keyframes: NodeRef[];
  duration?: number;
  aspect_ratio?: string;
  position: KeyframePosition;
  /** The clip's own sound: undefined means off where the model lets it be chosen (its row's default). */
  audio?: boolean;
}

export type ProjectNode = ImageNode | SegmentNode;

export type FilmTransition = { type: 'cut' } | { type: 'crossfade'; duration: number };

/**
 * The cut (SPEC section 7): segment clips assembled into one video. A project has at most one
 * today, named `film`; the list in ResolvedProject leaves room for more cuts later.
 */
export interface FilmNode extends NodeCommon {
  kind: 'film';
  /** The clips in order. */
  segments: NodeRef[];
  transition: FilmTransition;
  /** A music or voice track mixed in, trimmed to the film and faded out. Relative to root. */
  audio?: { file: string; volume: number };
  /** Pixel size of the film; undefined: the largest clip's size. */
  size?: { width: number; height: number };
  fps: number;
}

export interface PathsConfig {
  references: string;
  keyframes: string;
  segments: string;
  metadata: string;
}

export interface ProviderSettings {
  concurrency: number;
}

export interface PriceOverride {
  per_image?: number;
  per_megapixel?: number;
  per_second?: number;
  per_second_audio?: number;
}

export interface CacheConfig {
  /** `cache.remote`: the team cache location as written (`s3://bucket/prefix`); the environment may override it. */
  remote?: string;
}

export interface ResolvedProject {
  /** Absolute path of the project folder. */
  root: string;
  /** Absolute path of aivp.project.yaml. */
  file: string;
  name: string;
  vars: Record<string, string>;
  providers: Record<string, ProviderSettings>;
  budget?: number;
  /** Price overrides by canonical model id (`canonicalModel`). */
  prices: Record<string, PriceOverride>;
  paths: PathsConfig;
  cache: CacheConfig;
  /** In file order: references, style, shots (story order), segments. */
  nodes: ProjectNode[];
  /** The cuts assembled from the segments (`film:`); empty without one. */
  films: FilmNode[];
  warnings: Diagnostic[];
}

