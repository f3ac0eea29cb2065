// @google/genai failures -> ProviderError, with every secret scrubbed: the SDK puts the server's
// JSON body in its messages, and a body (or a URL in it) may carry the key.
import { UsageError } from '../../base/errors.js';
import { ApiError } from '@google/genai';
import { redact } from '../../base/redact.js';
import { isAbort, isTransientStatus, networkErrorCode, parseRetryAfter } from '../transport.js';
import { ProviderError } from '../types.js';

/**
 * A fetch for one generate call that remembers the last Retry-After header, which the SDK's
 * ApiError drops, and that the call's signal cancels: the SDK does not pass it to Vertex
 * operation polls.
 */
export function retryAfterTap(signal: AbortSignal): { fetch: typeof fetch; retryAfterMs(): number | undefined } {
  let last: number | undefined;
  return {
    fetch: async (input, init) => {
      const res = await fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
      if (!res.ok) last = parseRetryAfter(res.headers.get('retry-after'));
      return res;
    },
    retryAfterMs: () => last,
  };
}

export interface ErrorContext {
  secrets: string[];
  retryAfterMs?: number;
  vertex: boolean;
}

interface GoogleErrorBody {
  code?: number;
  message?: string;
  status?: string;
  details?: Array<{ '@type'?: string; retryDelay?: string; reason?: string }>;
}

/** Anything thrown while talking to Google -> a ProviderError the engine can act on (aborts pass through). */
export function toProviderError(err: unknown, ctx: ErrorContext): unknown {
  // A refused input (a local image that is not one) is the user's to fix, not the provider's failure.
  if (err instanceof ProviderError || err instanceof UsageError || isAbort(err)) return err;
  const clean = (s: string) => redact(s, ctx.secrets);
  if (err instanceof ApiError) {
    const body = parseBody(err.message);
    const status = err.status;
    const detail = clean(body?.message ?? err.message);
    const label = `Google API ${status}${body?.status ? ` ${body.status}` : ''}`;
    const keyInvalid = body?.details?.some((d) => d.reason === 'API_KEY_INVALID');
    if (status === 401 || status === 403 || keyInvalid) {
      const who = ctx.vertex ? 'Google Cloud credentials rejected' : 'Google API key rejected';
      return new ProviderError(`${who} (${label}): ${detail}`, { retryable: false, status });
    }
    if (isTransientStatus(status)) {
      const retryAfterMs = retryDelayMs(body) ?? ctx.retryAfterMs;
      return new ProviderError(`${label}: ${detail}`, { retryable: true, status, retryAfterMs });
    }
    return new ProviderError(`${label}: ${detail}`, { retryable: false, status });
  }
  const token = ctx.vertex ? tokenFailure(err, clean) : undefined;
  if (token) return token;
  if (err instanceof SyntaxError) {
    // A 200 whose body is not JSON: a proxy or gateway glitch, worth another try.
    return new ProviderError(`Google API sent a malformed response (not JSON): ${clean(err.message)}`, { retryable: true });
  }
  const code = networkErrorCode(err);
  if (code) return new ProviderError(`Google API unreachable (${code})`, { retryable: true });
  const message = err instanceof Error ? err.message : String(err);
  return new ProviderError(`Google API: ${clean(message)}`, { retryable: false });
}

/**
 * google-auth-library's token requests (STS, OAuth, metadata server) fail with gaxios-shaped
 * errors, which carry the request config; the SDK's own failures are ApiErrors.
 */
function tokenFailure(err: unknown, clean: (s: string) => string): ProviderError | undefined {
  const e = err as { status?: unknown; config?: unknown; message?: unknown } | undefined;
  if (!e || e.config === undefined || err instanceof ApiError) return undefined;
  const code = networkErrorCode(err);
  if (code) return new ProviderError(`Google Cloud token endpoint unreachable (${code})`, { retryable: true });
  if (typeof e.status !== 'number') return undefined;
  const status = e.status;
  const detail = clean(String(e.message));
  if (isTransientStatus(status)) {
    return new ProviderError(`Google Cloud token endpoint failed (HTTP ${status}): ${detail}`, { retryable: true, status });
  }
  return new ProviderError(`Google Cloud credentials rejected by the token endpoint (HTTP ${status}): ${detail}`, { retryable: false, status });
}

function parseBody(message: string): GoogleErrorBody | undefined {
  try {
    const parsed = JSON.parse(message) as { error?: GoogleErrorBody };
    return parsed.error;
  } catch {
    return undefined;
  }
}

/** google.rpc.RetryInfo.retryDelay, a Duration string such as "7s" or "0.5s". */
function retryDelayMs(body: GoogleErrorBody | undefined): number | undefined {
  const delay = body?.details?.find((d) => d['@type']?.endsWith('google.rpc.RetryInfo'))?.retryDelay;
  const m = delay ? /^(\d+(?:\.\d+)?)s$/.exec(delay) : null;
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}
