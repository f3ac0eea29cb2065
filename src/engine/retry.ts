// Retries with exponential backoff and jitter on retryable provider errors (429, 5xx, network),
// honouring Retry-After; then the fallback models in order; then the node fails.
import { setTimeout as sleep } from 'node:timers/promises';
import { networkErrorCode } from '../providers/transport.js';
import { ProviderError } from '../providers/types.js';

export interface RetryOptions<T> {
  models: string[];
  retries: number;
  baseMs: number;
  signal: AbortSignal;
  timeoutMs?: number;
  attempt(model: string, signal: AbortSignal, attemptNo: number): Promise<T>;
  onRetry(attempt: number, delayMs: number, error: string): void;
  onFallback(from: string, to: string, error: string): void;
}

const MAX_DELAY_MS = 60_000;

export async function runWithRetries<T>(opts: RetryOptions<T>): Promise<{ result: T; model: string }> {
  let lastError: Error | undefined;
  for (const [m, model] of opts.models.entries()) {
    if (m > 0) opts.onFallback(opts.models[m - 1], model, lastError?.message ?? '');
    for (let attempt = 1; attempt <= opts.retries + 1; attempt++) {
      const signals = [opts.signal];
      if (opts.timeoutMs !== undefined) signals.push(AbortSignal.timeout(opts.timeoutMs));
      const signal = AbortSignal.any(signals);
      try {
        return { result: await opts.attempt(model, signal, attempt), model };
      } catch (err) {
        if (opts.signal.aborted) throw err;
        const timedOut = signal.aborted;
        lastError = timedOut ? new Error(`timed out after ${opts.timeoutMs! / 1000} s`) : (err as Error);
        const retryable = timedOut || (err instanceof ProviderError && err.retryable) || networkErrorCode(err) !== undefined;
        if (!retryable || attempt > opts.retries) break;
        const retryAfter = err instanceof ProviderError ? err.retryAfterMs : undefined;
        const backoff = opts.baseMs * 2 ** (attempt - 1);
        const delayMs = Math.min(MAX_DELAY_MS, retryAfter ?? backoff + Math.random() * backoff * 0.5);
        opts.onRetry(attempt, Math.round(delayMs), lastError.message);
        await sleep(delayMs, undefined, { signal: opts.signal });
      }
    }
  }
  throw lastError ?? new Error('no model to run');
}
