// What a fal model returned: output file URLs, the safety flag, and downloading the bytes.
import { FalTransientError } from './errors.js';
import { isAbort } from '../transport.js';
import { ProviderError } from '../types.js';

interface FalFileRef {
  url?: unknown;
  width?: unknown;
  height?: unknown;
}

export interface OutputRef {
  url: string;
  width?: number;
  height?: number;
}

/** `images[]`, `image` and `video` outputs, in order. */
export function outputRefs(data: unknown): OutputRef[] {
  const o = (data ?? {}) as { images?: unknown; image?: unknown; video?: unknown };
  const files: unknown[] = [...(Array.isArray(o.images) ? o.images : []), o.image, o.video];
  return files.flatMap((f) => {
    const ref = f as FalFileRef | undefined;
    if (!ref || typeof ref.url !== 'string') return [];
    return [{
      url: ref.url,
      width: typeof ref.width === 'number' ? ref.width : undefined,
      height: typeof ref.height === 'number' ? ref.height : undefined,
    }];
  });
}

/** fal blanks images its safety checker flags; such a result is a failed generation. */
export function assertNotBlocked(data: unknown): void {
  const flags = (data as { has_nsfw_concepts?: unknown } | undefined)?.has_nsfw_concepts;
  if (Array.isArray(flags) && flags.includes(true)) {
    throw new ProviderError("blocked by fal's safety checker (has_nsfw_concepts): change the prompt or inputs", {
      retryable: false,
    });
  }
}

export function outputSeed(data: unknown): number | undefined {
  const seed = (data as { seed?: unknown } | undefined)?.seed;
  return typeof seed === 'number' ? seed : undefined;
}

/** Bytes of an http(s) or data: URL; `fetchFn` already maps transient statuses and network errors to retryable ones. */
export async function downloadBytes(url: string, fetchFn: typeof fetch, signal?: AbortSignal): Promise<Buffer> {
  if (url.startsWith('data:')) return decodeDataUrl(url);
  const res = await fetchFn(url, { signal });
  if (!res.ok) {
    throw new ProviderError(`downloading fal output failed: HTTP ${res.status} for ${url}`, {
      retryable: false, status: res.status,
    });
  }
  try {
    return Buffer.from(await res.arrayBuffer());
  } catch (err) {
    if (isAbort(err)) throw err;
    // The connection dropped mid-body: fetching the file again is free, submitting again is not.
    throw new FalTransientError(`downloading fal output was cut off: ${(err as Error).message}`, {});
  }
}

function decodeDataUrl(url: string): Buffer {
  const comma = url.indexOf(',');
  if (comma < 0) throw new ProviderError('malformed data: URL in fal output', { retryable: false });
  const meta = url.slice(5, comma);
  const payload = url.slice(comma + 1);
  return meta.endsWith(';base64') ? Buffer.from(payload, 'base64') : Buffer.from(decodeURIComponent(payload), 'utf8');
}
