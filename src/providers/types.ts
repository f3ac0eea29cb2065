// The provider interface: the engine hands a provider one fully resolved generation request and
// gets bytes back. Providers know nothing about the graph, records or the terminal.
import type { FilmCut } from '../media/cut.js';

export type ProviderId = 'fal' | 'google' | 'openai' | 'imagerouter' | 'stability' | 'draft' | 'film';
export type Task = 't2i' | 'i2i' | 'edit' | 'inpaint' | 'upscale' | 'i2v' | 'flf2v' | 'assemble';

/** One row of the model table (src/providers/model-table.ts). */
export interface ModelInfo {
  id: string;
  provider: ProviderId;
  task: Task;
  /** 'video' for i2v/flf2v. */
  media: 'image' | 'video';
  /** How `size` reaches the model: fal `image_size`, an `aspect_ratio` string, a `WxH` string (OpenAI), or not at all. */
  size?: 'image_size' | 'aspect_ratio' | 'pixels' | 'none';
  /** The `aspect_ratio` values the model accepts (an image's `size`, a segment's `aspect_ratio` snap to the nearest); absent on a video model: it takes none. */
  aspectRatios?: string[];
  /** Input field for the main input image (`input`, or the first keyframe of a segment). */
  imageField?: string;
  /** The main input and refs go together as one list field (e.g. nano-banana `image_urls`). */
  imageListField?: string;
  /** The image-taking sibling used when a text-to-image model is given input or reference images. */
  editVariant?: string;
  /** Max reference (plus input) images the model takes. */
  maxRefs?: number;
  maskField?: string;
  /** Field for the last frame of a segment; absent means single-keyframe mode. */
  lastFrameField?: string;
  /** Allowed durations in seconds (video). */
  durations?: number[];
  /** The provider's default when it differs from the first allowed duration; sent when a segment states none, and estimated with. */
  defaultDuration?: number;
  /** How duration is written: 5, "5" or "5s"; `none`: the model takes no duration (its clip length is fixed). */
  durationFormat?: 'number' | 'string' | 'seconds' | 'none';
  /** The field the prompt goes to, when not `prompt` (fibo-edit's `instruction`). */
  promptField?: string;
  /**
   * The `strength` aivp sends an image-to-image model (how far the output may leave its input):
   * 0.75 keeps a chained frame's composition where fal's 0.95 mostly replaces it; `params` override it.
   */
  strength?: number;
  /** The `generate_audio` aivp sends when a segment says nothing, where the model lets it be chosen (then it is false: clip sound is opt-in with `audio: true`); `params` override it. */
  audio?: boolean;
  /** Published limits on a `WxH` the model is sent as it is (gpt-image-2); checked by `validate`. */
  pixelLimits?: PixelLimits;
  seed?: boolean;
  numImages?: boolean;
  /** The most images one request may ask for, where the provider publishes it (OpenAI's `n`: 10). */
  maxImages?: number;
  /** The longest prompt the provider takes, in characters (code points); checked by `validate`. */
  maxPromptChars?: number;
  /** `params` travel as form fields: text, numbers and booleans only (Stability). */
  formParams?: boolean;
  price: Price;
  /** Where `price` was read, and when (shown by `aivp models`); absent for the free local renderers. */
  priceSource?: string;
  /** Absent: generally available as far as aivp knows. */
  lifecycle?: Lifecycle;
}

/**
 * Where a model stands with its provider, per route (SPEC section 10). The status a user sees is
 * derived from `shutdown` against today: past, retired (refused); ahead, deprecated (a warning).
 */
export interface Lifecycle {
  /** What the provider says when no shutdown date decides it. */
  status: 'ga' | 'preview' | 'deprecated' | 'retired';
  /** The provider's shutdown date, `YYYY-MM-DD`. */
  shutdown?: string;
  /** The id to use instead, as a user writes it. */
  replacement?: string;
  /** Where this was read (a page, a changelog), and when. */
  source: string;
}

export interface PixelLimits {
  /** Each side a multiple of this. */
  multipleOf: number;
  maxSide: number;
  maxPixels: number;
  minPixels?: number;
  /** Longer side over shorter side at most this. */
  maxRatio: number;
}

export interface Price {
  per_image?: number;
  per_megapixel?: number;
  per_second?: number;
  /** Per second with the clip's own sound, where the model makes it on request (`audio: true`). */
  per_second_audio?: number;
}

/** A local image handed to a provider. */
export interface InputImage {
  /** Node name (or `dir/stem`) it came from, for messages and draft thumbnails. */
  name: string;
  /** Absolute path. */
  path: string;
  sha256: string;
  mediaType: string;
}

export interface GenerateRequest {
  /** Node name, for messages and draft rendering only. */
  node: string;
  model: ModelInfo;
  prompt?: string;
  seed?: number;
  /** Resolved pixel size and aspect ratio of the wanted output. */
  size?: { width: number; height: number; aspectRatio: string; name?: string };
  numImages: number;
  input?: InputImage;
  refs: InputImage[];
  mask?: InputImage;
  /**
   * Images given by web address instead of as files (the one-off `--image-url`, a URL `--mask`),
   * sent as they are; only a provider whose descriptor says `remoteImages` reads them.
   */
  urls?: { input?: string; mask?: string };
  /** Segments: the keyframes in order (first, last) or the one chosen by `position`. */
  keyframes: InputImage[];
  duration?: number;
  aspectRatio?: string;
  /** The clip's own sound (a segment's `audio`); undefined: the row's default. */
  audio?: boolean;
  params: Record<string, unknown>;
  /** The film (task `assemble`): its clips in order and the edit settings. */
  film?: FilmEdit;
}

/** What the film provider assembles: clips in order, cut or crossfaded, with an optional sound track. */
export interface FilmEdit {
  clips: InputImage[];
  transition: { type: 'cut' } | { type: 'crossfade'; duration: number };
  /** Undefined: the largest clip's size. */
  size?: { width: number; height: number };
  fps: number;
  audio?: { file: InputImage; volume: number };
}

export interface Progress {
  state: 'submitting' | 'queued' | 'running' | 'downloading';
  queuePosition?: number;
  log?: string;
}

export interface GenerateContext {
  signal: AbortSignal;
  onProgress(p: Progress): void;
  /**
   * Called as soon as the provider knows a request id / operation name, before waiting for the
   * result, so that an interrupted build can re-attach instead of paying again.
   */
  onSubmitted(requestId: string): Promise<void>;
  /** A request id recorded by an earlier, interrupted build: re-attach to it instead of submitting. */
  resume?: string;
}

export interface GeneratedFile {
  bytes: Buffer;
  /** Remote URL when the provider returned one (fal), reusable as an input while valid. */
  url?: string;
}

export interface GenerateResult {
  files: GeneratedFile[];
  /** The seed actually used, when the provider reports it or the engine chose it. */
  seed?: number;
  requestId?: string;
  /** Actual cost in USD when known; otherwise the engine records the estimate. */
  costUsd?: number;
  /** The film only: its real cut, recorded so the storyboard tells the film's real times. */
  cut?: FilmCut;
  /**
   * Provider bookkeeping still being written (fal's upload list). The engine lets the next request
   * start meanwhile and waits for it before the build ends.
   */
  pending?: Promise<void>;
}

export interface Provider {
  id: ProviderId;
  generate(req: GenerateRequest, ctx: GenerateContext): Promise<GenerateResult>;
  /** Cancel a request still queued at the provider (watch mode supersedes it). */
  cancel?(model: ModelInfo, requestId: string): Promise<void>;
  /** Stores a local file where the provider's models can fetch it and gives its web address (fal storage: `aivp upload`). */
  upload?(img: InputImage): Promise<string>;
}

/** A failure the engine can act on: retry (with the server's Retry-After), fall back, or fail the node. */
export class ProviderError extends Error {
  readonly retryable: boolean;
  readonly status?: number;
  readonly retryAfterMs?: number;
  constructor(message: string, opts: { retryable: boolean; status?: number; retryAfterMs?: number }) {
    super(message);
    this.name = 'ProviderError';
    this.retryable = opts.retryable;
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
  }
}
