// The team cache's off switch for one build: every remote call goes through it, bounded in number,
// and the first failure of the store (unreachable, refused, timed out) gives the build's one
// warning and turns the team cache off for the rest of the build. The build's Ctrl-C turns it
// off too, silently, and stops every request in flight through the signal each call receives.
import pLimit, { type LimitFunction } from 'p-limit';
import { RemoteError } from './s3-store.js';

export class Breaker {
  private readonly limit: LimitFunction;
  private tripped = false;
  private warned = false;
  /** A warning raised before anyone listens (while planning), delivered on attach. */
  private held: string | undefined;
  private listener: ((message: string) => void) | undefined;
  private readonly stopped = new AbortController();

  constructor(
    private readonly url: string,
    concurrency: number,
  ) {
    this.limit = pLimit(concurrency);
  }

  /** True once the store failed: local-only for the rest of this build. */
  get off(): boolean {
    return this.tripped;
  }

  /** The build's one team cache warning: any later one is dropped. */
  say(message: string): void {
    if (this.warned) return;
    this.warned = true;
    if (this.listener) this.listener(message);
    else this.held = message;
  }

  /** `signal`: the build's; once it aborts, every request stops and the team cache is off. */
  attach(listener: (message: string) => void, signal?: AbortSignal): void {
    this.listener = listener;
    if (this.held !== undefined) listener(this.held);
    this.held = undefined;
    if (signal?.aborted) this.stop();
    else signal?.addEventListener('abort', () => this.stop(), { once: true });
  }

  /** Off for the rest of the build, without a warning: requests in flight are aborted. */
  stop(): void {
    this.tripped = true;
    this.stopped.abort();
  }

  /** A remote call that never throws: a failure turns the team cache off. `fn` gets the signal to pass to the store. */
  async call<T>(fn: (signal: AbortSignal) => Promise<T>, fallback: T): Promise<T> {
    if (this.tripped) return fallback;
    try {
      return await this.limit(async () => (this.tripped ? fallback : fn(this.stopped.signal)));
    } catch (err) {
      if (!(err instanceof RemoteError)) throw err;
      this.trip(err);
      return fallback;
    }
  }

  /** The store failed: one warning, then local-only. */
  private trip(err: RemoteError): void {
    if (!this.tripped && !this.stopped.signal.aborted) this.say(`team cache ${this.url} unavailable (${err.message}): building with the local cache only`);
    this.tripped = true;
  }
}
