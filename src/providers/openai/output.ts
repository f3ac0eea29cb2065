// What an image call answered -> the image bytes: `data[].b64_json` (OpenAI's GPT image models
// always answer so) or `data[].url` (ImageRouter's default), each checked to really be an image.
import { probeMedia } from '../../media/probe.js';
import { redact } from '../../base/redact.js';
import { ProviderError, type GeneratedFile } from '../types.js';
import { isTransientStatus } from '../transport.js';

interface AnswerImage {
  b64_json?: unknown;
  url?: unknown;
}

export interface OutputContext {
  /** "OpenAI" or "ImageRouter", for messages. */
  label: string;
  model: string;
  /** Hidden from the quoted answer. */
  secrets: string[];
  signal: AbortSignal;
  /** Called before the first URL is fetched. */
  onDownload(): void;
}

export async function outputFiles(answer: unknown, ctx: OutputContext): Promise<GeneratedFile[]> {
  const data = (answer as { data?: unknown } | null | undefined)?.data;
  const images = Array.isArray(data) ? (data as AnswerImage[]) : [];
  const usable = images.filter((d) => typeof d?.b64_json === 'string' || typeof d?.url === 'string');
  // The call went through and paid for nothing usable: the same request would answer the same,
  // so this is not retried (the node's fallback applies).
  if (images.length === 0 || usable.length < images.length) {
    throw new ProviderError(`${ctx.label} sent a malformed answer for ${ctx.model}: ${redact(describeAnswer(answer), ctx.secrets)}`, { retryable: false });
  }
  if (usable.some((d) => typeof d.b64_json !== 'string')) ctx.onDownload();
  return Promise.all(usable.map(async (d, i) => {
    const bytes = typeof d.b64_json === 'string' ? Buffer.from(d.b64_json, 'base64') : await download(d.url as string, ctx);
    await assertImage(bytes, i, usable.length, ctx);
    // No `url` kept: only fal inputs reuse remote URLs; everyone else gets local files.
    return { bytes };
  }));
}

async function download(url: string, ctx: OutputContext): Promise<Buffer> {
  const res = await fetch(url, { signal: ctx.signal });
  if (!res.ok) {
    // The image is made and its URL fresh: a transient status of the file host passes, another does not.
    const retryable = isTransientStatus(res.status);
    throw new ProviderError(`downloading the ${ctx.model} image failed: HTTP ${res.status}`, { retryable, status: res.status });
  }
  return Buffer.from(await res.arrayBuffer());
}

/**
 * Bytes that are not a whole image (an HTML error page behind a URL, a cut-off body) are a fault
 * of the way back, not of the request: retryable, as the engine treats any bad file, and each new
 * attempt is bounded by the node's `retries`.
 */
async function assertImage(bytes: Buffer, i: number, n: number, ctx: OutputContext): Promise<void> {
  const which = n > 1 ? ` ${i + 1} of ${n}` : '';
  const media = await probeMedia(bytes).catch((err: Error) => {
    throw new ProviderError(`${ctx.label} sent image${which} for ${ctx.model} that is not an image: ${err.message}`, { retryable: true });
  });
  if (media.kind !== 'image') {
    throw new ProviderError(`${ctx.label} sent image${which} for ${ctx.model} that is not an image: got ${media.mediaType}`, { retryable: true });
  }
}

/** A short account of an answer without images, for the message. */
function describeAnswer(answer: unknown): string {
  if (typeof answer === 'string') return answer.trim() ? `text ${JSON.stringify(answer.slice(0, 80))}` : 'an empty body';
  const text = JSON.stringify(answer) ?? String(answer);
  return `no b64_json or url in data[] (${text.length > 120 ? `${text.slice(0, 120)}…` : text})`;
}
