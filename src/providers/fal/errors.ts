// fal failures -> ProviderError. The SDK's own retries are switched off by a fetch wrapper that
// turns retryable HTTP statuses and network failures into errors the SDK does not retry, so the
// engine alone owns retries and Retry-After reaches it.
import { ApiError, ValidationError } from '@fal-ai/client';
import { UsageError } from '../../base/errors.js';
import { redact } from '../../base/redact.js';
import { isAbort, isTransientStatus, networkErrorCode, parseRetryAfter } from '../transport.js';
import { ProviderError } from '../types.js';

/** A transient HTTP answer (408, 429, 5xx) or a network failure, raised inside fetch so the SDK passes it straight up. */
export class FalTransientError extends Error {
  readonly status?: number;
  readonly retryAfterMs?: number;
  constructor(message: string, opts: { status?: number; retryAfterMs?: number }) {
    super(message);
    this.name = 'FalTransientError';
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

const MAX_DETAIL = 300;

/** Wraps fetch so transient statuses and network errors surface as FalTransientError (aborts pass through). */
export function transientAwareFetch(base: typeof fetch): typeof fetch {
  return async (input, init) => {
    let res: Response;
    try {
      res = await base(input, init);
    } catch (err) {
      if (isAbort(err)) throw err;
      // No `cause`: the SDK walks cause chains for socket error codes and would retry on its own.
      throw new FalTransientError(`network error talking to fal: ${networkReason(err)}`, {});
    }
    if (!isTransientStatus(res.status)) return res;
    const detail = await res.text().then(describeBody, () => '');
    throw new FalTransientError(`fal answered HTTP ${res.status}${detail ? `: ${detail}` : ''}`, {
      status: res.status,
      retryAfterMs: parseRetryAfter(res.headers.get('retry-after')),
    });
  };
}

/** Any error from a fal call -> ProviderError with the secrets scrubbed; aborts are rethrown as is. */
export function toProviderError(err: unknown, secrets: string[]): unknown {
  // A refused input (an upload that is not an image) is the user's to fix, not fal's failure.
  if (isAbort(err) || err instanceof ProviderError || err instanceof UsageError) return err;
  const clean = (msg: string) => redact(msg, secrets);
  if (err instanceof FalTransientError) {
    return new ProviderError(clean(err.message), { retryable: true, status: err.status, retryAfterMs: err.retryAfterMs });
  }
  if (err instanceof SyntaxError) {
    // A 200 whose body is not JSON: a proxy or gateway glitch, worth another try.
    return new ProviderError(clean(`fal sent a malformed response (not JSON): ${err.message}`), { retryable: true });
  }
  if (err instanceof ValidationError) {
    const fields = err.fieldErrors.map((e) => `${fieldPath(e.loc)}: ${e.msg}`).join('; ');
    return new ProviderError(clean(`fal rejected the input: ${fields || err.message}`), { retryable: false, status: 422 });
  }
  if (err instanceof ApiError) {
    const status = err.status;
    if (status === 401 || status === 403) {
      // No key of ours was sent (a proxy alone): the key is missing, not wrong.
      const message = secrets.length
        ? `FAL_KEY rejected by fal (HTTP ${status}): check the key in the environment or .env`
        : `fal answered HTTP ${status} through the proxy AIVP_FAL_PROXY_URL names, and FAL_KEY is not set: set FAL_KEY in the environment or in a .env file in the project folder, or have the proxy add it`;
      return new ProviderError(message, { retryable: false, status });
    }
    const detail = describeBody(err.body) || err.message;
    const hint = status === 404 ? ' (is the model id right?)' : '';
    return new ProviderError(clean(`fal answered HTTP ${status}${hint}: ${detail}`), {
      retryable: isTransientStatus(status), status,
    });
  }
  if (err instanceof Error) return new ProviderError(clean(`fal request failed: ${err.message}`), { retryable: false });
  return new ProviderError(clean(`fal request failed: ${String(err)}`), { retryable: false });
}

/** ['body', 'image_size'] -> 'input.image_size' (fal's pydantic locations start at the body). */
function fieldPath(loc: Array<string | number>): string {
  const parts = loc.map(String);
  if (parts[0] === 'body') parts[0] = 'input';
  return parts.join('.');
}

function describeBody(body: unknown): string {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return body.slice(0, MAX_DETAIL).trim();
    }
  }
  if (value && typeof value === 'object') {
    const o = value as { detail?: unknown; message?: unknown; error?: unknown };
    const d = o.detail ?? o.message ?? o.error;
    if (typeof d === 'string') return d.slice(0, MAX_DETAIL);
    if (d !== undefined) return JSON.stringify(d).slice(0, MAX_DETAIL);
  }
  return '';
}

function networkReason(err: unknown): string {
  const e = err as { message?: string; cause?: { message?: string } };
  return networkErrorCode(err) ?? e.cause?.message ?? e.message ?? String(err);
}
