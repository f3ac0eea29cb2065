// `openai` SDK failures -> ProviderError, with every secret scrubbed: the SDK quotes the server's
// error message, and a gateway may echo the key it was sent.
import { UsageError } from '../../base/errors.js';
import { APIConnectionError, APIError } from 'openai';
import { redact } from '../../base/redact.js';
import { isAbort, isTransientStatus, networkErrorCode, parseRetryAfter } from '../transport.js';
import { ProviderError } from '../types.js';

export interface ErrorContext {
  /** "OpenAI" or "ImageRouter". */
  label: string;
  /** The environment variable holding the key, named when the key is rejected. */
  keyVar: string;
  model: string;
  secrets: string[];
}

/** Anything thrown while talking to the image API -> a ProviderError the engine can act on (aborts pass through). */
export function toProviderError(err: unknown, ctx: ErrorContext): unknown {
  // A refused input (a local image that is not one) is the user's to fix, not the provider's failure.
  if (err instanceof ProviderError || err instanceof UsageError || isAbort(err)) return err;
  const clean = (s: string) => redact(s, ctx.secrets);
  // Connection errors (the SDK's own timeout among them) are APIErrors without a status: checked first.
  if (err instanceof APIConnectionError) {
    const code = networkErrorCode(err.cause) ?? clean(err.message);
    return new ProviderError(`${ctx.label} API unreachable (${code})`, { retryable: true });
  }
  if (err instanceof APIError && err.status !== undefined) {
    const { status, code } = err;
    const body = err.error as { message?: unknown } | undefined;
    const detail = clean(typeof body?.message === 'string' ? body.message : err.message);
    const label = `${ctx.label} API ${status}${code ? ` ${code}` : ''}`;
    if (status === 401 || status === 403) {
      return new ProviderError(`${ctx.label} rejected the key in ${ctx.keyVar} (${label}): ${detail}`, { retryable: false, status });
    }
    if (code === 'moderation_blocked') {
      return new ProviderError(`${ctx.model}: the prompt was refused by ${ctx.label}'s moderation (${label}): ${detail}`, { retryable: false, status });
    }
    // A 429 for an exhausted quota does not pass with time.
    if (code === 'insufficient_quota') {
      return new ProviderError(`${ctx.label} account out of quota (${label}): ${detail}`, { retryable: false, status });
    }
    if (isTransientStatus(status)) {
      return new ProviderError(`${label}: ${detail}`, { retryable: true, status, retryAfterMs: retryAfterMs(err.headers) });
    }
    return new ProviderError(`${label}: ${detail}`, { retryable: false, status });
  }
  if (err instanceof SyntaxError) {
    // A 200 whose JSON is cut off or garbled: a proxy or gateway glitch, worth another try.
    return new ProviderError(`${ctx.label} API sent a malformed response (not JSON): ${clean(err.message)}`, { retryable: true });
  }
  const code = networkErrorCode(err);
  if (code) return new ProviderError(`${ctx.label} unreachable (${code})`, { retryable: true });
  const message = err instanceof Error ? err.message : String(err);
  return new ProviderError(`${ctx.label} API: ${clean(message)}`, { retryable: false });
}

/** OpenAI sends `retry-after-ms` beside the standard `retry-after`; the precise one wins. */
function retryAfterMs(headers: Headers | undefined): number | undefined {
  const ms = Number(headers?.get('retry-after-ms') ?? NaN);
  if (Number.isFinite(ms) && ms >= 0) return Math.round(ms);
  return parseRetryAfter(headers?.get('retry-after'));
}
