// The fal queue lifecycle: submit (or re-attach), report progress from the status stream (or by
// polling when the stream fails), fetch the result, and cancel at fal when the caller aborts.
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, type FalClient, type QueueStatus } from '@fal-ai/client';
import { FalTransientError } from './errors.js';
import { FAL_OBJECT_LIFETIME } from './uploads.js';
import type { Progress } from '../types.js';

export interface QueueContext {
  signal: AbortSignal;
  onProgress(p: Progress): void;
  onSubmitted?(requestId: string): Promise<void>;
  resume?: string;
  /** First poll delay; it grows to a twentieth of the time waited so far, capped at MAX_POLL_MS. */
  pollIntervalMs: number;
}

export interface QueueResult {
  data: unknown;
  requestId: string;
}

/**
 * Polling is the fallback when the status stream fails or ends early. Measured against the fake
 * fal (test/fakes/fal-server.ts): a job that finishes at once costs about one interval (500 ms:
 * +509 ms, 150 ms: +159 ms, 50 ms: +71 ms). The interval grows to a twentieth of the time waited,
 * so a job polls about 20 + 20 ln(seconds / 0.5) times (~66 for a 5 s image) and long video jobs
 * settle at MAX_POLL_MS.
 */
export const DEFAULT_POLL_MS = 25;
const MAX_POLL_MS = 2000;
/** Consecutive transient failures tolerated while waiting on a job already paid for. */
const MAX_TRANSIENT_FAILURES = 6;

export async function runQueued(fal: FalClient, modelId: string, input: Record<string, unknown>, ctx: QueueContext): Promise<QueueResult> {
  ctx.signal.throwIfAborted();
  if (ctx.resume !== undefined && (await stillKnown(fal, modelId, ctx.resume, ctx.signal))) {
    try {
      return await finish(fal, modelId, ctx.resume, ctx);
    } catch (err) {
      // A resumed job that failed at fal is submitted afresh (fal bills only successful outputs).
      if (ctx.signal.aborted || !(err instanceof ApiError)) throw err;
    }
  }
  ctx.onProgress({ state: 'submitting' });
  const sub = await fal.queue.submit(modelId, {
    input, abortSignal: ctx.signal, storageSettings: { expiresIn: FAL_OBJECT_LIFETIME },
  });
  await ctx.onSubmitted?.(sub.request_id);
  return finish(fal, modelId, sub.request_id, ctx);
}

async function finish(fal: FalClient, modelId: string, requestId: string, ctx: QueueContext): Promise<QueueResult> {
  const { signal } = ctx;
  try {
    await waitCompleted(fal, modelId, requestId, ctx);
    const result = await tolerateTransient(() => fal.queue.result(modelId, { requestId, abortSignal: signal }), signal);
    return { data: result.data, requestId };
  } catch (err) {
    if (signal.aborted) {
      await cancelQuietly(fal, modelId, requestId);
      throw signal.reason ?? err;
    }
    throw err;
  }
}

/** Best-effort cancel: a job already running or finished cannot be cancelled, which is fine. */
export async function cancelQuietly(fal: FalClient, modelId: string, requestId: string): Promise<void> {
  try {
    await fal.queue.cancel(modelId, { requestId, abortSignal: AbortSignal.timeout(10_000) });
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) throw err;
  }
}

/** A resumed request id fal no longer knows (expired, other account) means submitting afresh. */
async function stillKnown(fal: FalClient, modelId: string, requestId: string, signal: AbortSignal): Promise<boolean> {
  try {
    await tolerateTransient(() => fal.queue.status(modelId, { requestId, abortSignal: signal }), signal);
    return true;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 400)) return false;
    throw err;
  }
}

async function waitCompleted(fal: FalClient, modelId: string, requestId: string, ctx: QueueContext): Promise<void> {
  const report = progressReporter(ctx);
  if (await streamCompleted(fal, modelId, requestId, ctx.signal, report)) return;
  await pollCompleted(fal, modelId, requestId, ctx, report);
}

/** Reports a status to onProgress only when it says something new (a queue move, fresh logs). */
function progressReporter(ctx: QueueContext): (status: QueueStatus) => void {
  let last = '';
  let logsSeen = 0;
  return (status) => {
    if (status.status === 'IN_QUEUE') {
      const key = `queued:${status.queue_position}`;
      if (key !== last) ctx.onProgress({ state: 'queued', queuePosition: status.queue_position });
      last = key;
      return;
    }
    const logs = Array.isArray(status.logs) ? status.logs : [];
    const fresh = logs.slice(logsSeen);
    logsSeen = Math.max(logsSeen, logs.length);
    if (status.status === 'IN_PROGRESS' && (last !== 'running' || fresh.length > 0)) {
      ctx.onProgress({ state: 'running', log: fresh.at(-1)?.message });
    }
    last = 'running';
  };
}

/**
 * A stream that stays silent this long is given up for polling: the SDK's own inactivity timeout
 * never fires, and a proxy that buffers SSE would otherwise hold the node until its timeout.
 */
export const STREAM_SILENCE_MS = 15_000;

/**
 * Waits on fal's status stream (SSE), which notices completion within milliseconds where polling
 * costs up to an interval. True once COMPLETED was seen; false when the stream failed or ended
 * early, so the caller polls instead (the SDK's done() resolves even without COMPLETED).
 */
async function streamCompleted(
  fal: FalClient, modelId: string, requestId: string, signal: AbortSignal, report: (s: QueueStatus) => void,
): Promise<boolean> {
  let stream: Awaited<ReturnType<FalClient['queue']['streamStatus']>>;
  try {
    stream = await fal.queue.streamStatus(modelId, { requestId, logs: true });
  } catch {
    return false;
  }
  let completed = false;
  let silence: NodeJS.Timeout | undefined;
  const hush = () => {
    clearTimeout(silence);
    silence = setTimeout(() => stream.abort(), STREAM_SILENCE_MS);
  };
  // streamStatus takes no abort signal: abort the stream itself.
  const onAbort = () => stream.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  stream.on('data', (status) => {
    hush();
    report(status);
    if (status.status === 'COMPLETED') {
      completed = true;
      stream.abort();
    }
  });
  hush();
  try {
    await stream.done();
  } catch {
    // A failed stream (HTTP error, dropped connection) leaves the job to polling, which reports
    // real failures with the usual transient handling.
  } finally {
    clearTimeout(silence);
    signal.removeEventListener('abort', onAbort);
  }
  signal.throwIfAborted();
  return completed;
}

async function pollCompleted(
  fal: FalClient, modelId: string, requestId: string, ctx: QueueContext, report: (s: QueueStatus) => void,
): Promise<void> {
  const started = Date.now();
  for (;;) {
    const status = await tolerateTransient(
      () => fal.queue.status(modelId, { requestId, logs: true, abortSignal: ctx.signal }),
      ctx.signal,
    );
    report(status);
    if (status.status === 'COMPLETED') return;
    const waited = Date.now() - started;
    await sleep(Math.min(MAX_POLL_MS, Math.max(ctx.pollIntervalMs, waited / 20)), undefined, { signal: ctx.signal });
  }
}

/** Retries 429/5xx/network failures and malformed JSON answers of read-only calls on a job that already exists. */
export async function tolerateTransient<T>(call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  for (let failures = 0; ; failures++) {
    try {
      return await call();
    } catch (err) {
      const transient = err instanceof FalTransientError || err instanceof SyntaxError;
      if (!transient || failures >= MAX_TRANSIENT_FAILURES || signal?.aborted) throw err;
      const retryAfter = err instanceof FalTransientError ? err.retryAfterMs : undefined;
      const delay = retryAfter ?? Math.min(8000, 250 * 2 ** failures);
      await sleep(delay, undefined, { signal });
    }
  }
}
