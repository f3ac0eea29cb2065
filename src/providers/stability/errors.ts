// Stability failures -> ProviderError. Its 4xx/5xx answers are JSON `{id, name, errors: [...]}`:
// the errors list is shown (it names the offending field), with every secret scrubbed, since a
// server or a gateway in front of it may echo the request's Authorization header.
import { UsageError } from '../../base/errors.js';
import { STABILITY_VARS } from './vars.js';
import { redact } from '../../base/redact.js';
import { isAbort, isTransientStatus, networkErrorCode, parseRetryAfter } from '../transport.js';
import { ProviderError } from '../types.js';

const MAX_DETAIL = 500;

interface StabilityErrorBody {
  name?: unknown;
  errors?: unknown;
  message?: unknown;
}

/** A non-2xx answer -> ProviderError: 408, 429 and 5xx retryable (with Retry-After), the rest not. */
export async function httpError(res: Response, secrets: string[]): Promise<ProviderError> {
  const status = res.status;
  const text = await res.text().catch(() => '');
  const { name, detail } = describe(text);
  const clean = (s: string) => redact(s, secrets);
  const label = `Stability answered HTTP ${status}${name ? ` (${name})` : ''}`;
  const said = detail ? `: ${clean(detail)}` : '';
  if (status === 401 || status === 403) {
    return new ProviderError(`${STABILITY_VARS.key} rejected (${label}${said}): check the key in the environment or .env`, { retryable: false, status });
  }
  if (isTransientStatus(status)) {
    return new ProviderError(`${label}${said}`, { retryable: true, status, retryAfterMs: parseRetryAfter(res.headers.get('retry-after')) });
  }
  const hint = status === 404 ? ' (is the model id right?)' : '';
  return new ProviderError(`${label}${hint}${said}`, { retryable: false, status });
}

/** Anything else thrown while talking to Stability -> ProviderError; aborts and ProviderErrors pass through. */
export function toProviderError(err: unknown, secrets: string[]): unknown {
  // A refused input (a local image that is not one) is the user's to fix, not the provider's failure.
  if (err instanceof ProviderError || err instanceof UsageError || isAbort(err)) return err;
  const code = networkErrorCode(err);
  if (code) return new ProviderError(`Stability API unreachable (${code})`, { retryable: true });
  const message = err instanceof Error ? err.message : String(err);
  return new ProviderError(redact(`Stability request failed: ${message}`, secrets), { retryable: false });
}

/** The error name and the errors list of a Stability error body; a body that is not one is quoted raw. */
function describe(text: string): { name?: string; detail: string } {
  let body: StabilityErrorBody | undefined;
  try {
    body = JSON.parse(text) as StabilityErrorBody;
  } catch {
    return { detail: text.trim().slice(0, MAX_DETAIL) };
  }
  const name = typeof body?.name === 'string' ? body.name : undefined;
  const list = Array.isArray(body?.errors) ? body.errors.map(String) : typeof body?.message === 'string' ? [body.message] : [];
  return { name, detail: (list.length ? list.join('; ') : text.trim()).slice(0, MAX_DETAIL) };
}
