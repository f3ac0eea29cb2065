// `aivp models`: the model table as aivp sends it (SPEC section 10), filtered by provider, media
// and task; `--json` prints one object per line for scripts.
import { UsageError } from '../base/errors.js';
import { canonicalModel, defaultDuration, MODELS, modelStatus, PREFIXED, type ModelStatus } from '../providers/models.js';
import type { ModelInfo, Price } from '../providers/types.js';
import { describeLimits } from '../providers/size.js';
import { didYouMean } from '../project/suggest.js';

export interface ModelsOptions {
  json?: boolean;
  provider?: string;
  media?: 'image' | 'video';
  task?: string;
}

/** One row as `--json` prints it. */
export interface ModelListing {
  id: string;
  provider: string;
  media: 'image' | 'video';
  task: string;
  sizes?: string[];
  aspectRatios?: string[];
  durations?: number[];
  defaultDuration?: number;
  maxRefs?: number;
  lastFrame: boolean;
  audio?: boolean;
  price: Price;
  /** Where the price was read, and when. */
  priceSource?: string;
  status: ModelStatus;
  shutdown?: string;
  replacement?: string;
  source?: string;
}

export function modelsCommand(o: ModelsOptions): number {
  if (o.provider !== undefined && !(PREFIXED as readonly string[]).includes(o.provider)) {
    throw new UsageError(`unknown provider \`${o.provider}\`: one of ${PREFIXED.join(', ')}${hint(didYouMean(o.provider, PREFIXED))}`);
  }
  const rows = MODELS.filter((m) => PREFIXED.includes(m.provider)
    && (o.provider === undefined || m.provider === o.provider)
    && (o.media === undefined || m.media === o.media)
    && (o.task === undefined || m.task === o.task)).map(listing);
  // One write: a reader that stops early (`| head`) ends the output, not the process with EPIPE.
  process.stdout.write(o.json ? rows.map((r) => `${JSON.stringify(r)}\n`).join('') : `${formatListings(rows)}\n`);
  return 0;
}

function hint(near: string | undefined): string {
  return near ? ` (${near})` : '';
}

export function listing(m: ModelInfo): ModelListing {
  const life = m.lifecycle;
  return {
    id: canonicalModel(`${m.provider}:${m.id}`),
    provider: m.provider,
    media: m.media,
    task: m.task,
    sizes: m.size === 'pixels' ? [m.pixelLimits ? `any WxH: ${describeLimits(m.pixelLimits)}` : 'any WxH'] : undefined,
    aspectRatios: m.size === 'aspect_ratio' || m.media === 'video' ? m.aspectRatios : undefined,
    durations: m.durations,
    defaultDuration: m.media === 'video' ? defaultDuration(m) : undefined,
    maxRefs: m.maxRefs,
    lastFrame: m.lastFrameField !== undefined,
    audio: m.audio,
    price: m.price,
    priceSource: m.priceSource,
    status: modelStatus(m),
    shutdown: life?.shutdown,
    replacement: life?.replacement,
    source: life?.source,
  };
}

function formatListings(rows: ModelListing[]): string {
  if (rows.length === 0) return 'no model matches';
  const cells = rows.map((r) => [r.id, r.provider, r.task, shape(r), price(r.price), status(r)]);
  const head = ['MODEL', 'PROVIDER', 'TASK', 'TAKES', 'PRICE', 'STATUS'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  return [head, ...cells].map((c) => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]))).join('  ').trimEnd()).join('\n');
}

function shape(r: ModelListing): string {
  if (r.media === 'video') {
    const frames = r.lastFrame ? 'first+last frame' : 'one frame';
    const secs = r.durations ? `${r.durations.join('|')} s` : '';
    return [frames, secs, r.audio ? 'sound' : ''].filter(Boolean).join(', ');
  }
  if (r.maxRefs === 0) return 'one image';
  return r.maxRefs === undefined ? '' : r.maxRefs === 1 ? 'one ref' : `up to ${r.maxRefs} refs`;
}

/** A unit price as the table has it (`$0.039/image`): rounding to cents would misstate it. */
function price(p: Price): string {
  const usd = (n: number) => `$${Number(n.toFixed(4))}`;
  if (p.per_image !== undefined) return `${usd(p.per_image)}/image`;
  if (p.per_megapixel !== undefined) return `${usd(p.per_megapixel)}/MP`;
  if (p.per_second !== undefined) return `${usd(p.per_second)}/s`;
  return 'unknown';
}

function status(r: ModelListing): string {
  if (r.status === 'retired') return `retired${r.shutdown ? ` ${r.shutdown}` : ''}${r.replacement ? ` -> ${r.replacement}` : ''}`;
  if (r.status === 'deprecated') return `deprecated${r.shutdown ? `, shuts down ${r.shutdown}` : ''}${r.replacement ? ` -> ${r.replacement}` : ''}`;
  return r.status;
}
