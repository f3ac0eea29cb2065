// What a failed HTTP call says about itself, the same for every provider and for the engine's
// retries: an abort (ours), a network failure (worth another try), and how long Retry-After asks.

/** Our own cancel or timeout: passed through untouched, never retried. */
export function isAbort(err: unknown): boolean {
  const name = (err as { name?: string } | undefined)?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}

const NETWORK_CODES = /^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|UND_ERR_\w+)$/;

/** The socket error code of a network failure (undici puts it on `cause`), or undefined for any other error. */
export function networkErrorCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = e?.cause?.code ?? e?.code;
  if (typeof code === 'string' && NETWORK_CODES.test(code)) return code;
  return err instanceof TypeError && err.message === 'fetch failed' ? 'fetch failed' : undefined;
}

/** Retry-After as seconds (fractions allowed) or an HTTP date -> milliseconds from now. */
export function parseRetryAfter(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** An HTTP status that passes with time: a request timeout (408), a rate limit (429), a server error (5xx). */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Runs one SDK call with a signal of its own that aborts with `parent`: the listener an SDK adds
 * to the signal it is given (and may never remove) goes with that signal, not onto the parent
 * (a Veo job polled a hundred times left a hundred on the build's signal).
 */
export async function withCallSignal<T>(parent: AbortSignal, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const own = new AbortController();
  const forward = () => own.abort(parent.reason);
  if (parent.aborted) forward();
  else parent.addEventListener('abort', forward, { once: true });
  try {
    return await call(own.signal);
  } finally {
    parent.removeEventListener('abort', forward);
  }
}
