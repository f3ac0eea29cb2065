// The team cache's bucket through the real AWS SDK: `<prefix>/blobs/<sha256>` (content-addressed
// bytes) and `<prefix>/keys/<key>.json` (a node key's record). Endpoint, region and credentials come
// from the SDK's standard settings, read from the build's environment (so `.env` works too).
import {
  GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException,
} from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import type { Env } from '../base/env.js';
import { UsageError } from '../base/errors.js';
import type { RemoteTarget } from '../project/remote-target.js';
import { MAX_MANIFEST_BYTES } from './manifest.js';

/**
 * The store's five requests. Each has a deadline of its own (RemoteError when it passes) and
 * stops at once when `signal` aborts (the build's Ctrl-C).
 */
export interface RemoteStore {
  readonly url: string;
  hasBlob(sha256: string, signal?: AbortSignal): Promise<boolean>;
  /** The blob's bytes, or undefined when the store does not have it; refuses a blob of another size. */
  getBlob(sha256: string, bytes: number, signal?: AbortSignal): Promise<Buffer | undefined>;
  putBlob(sha256: string, body: Buffer, signal?: AbortSignal): Promise<void>;
  /** The record's text; refuses (BadObject) one larger than MAX_MANIFEST_BYTES without reading it whole. */
  getManifest(key: string, signal?: AbortSignal): Promise<string | undefined>;
  /**
   * Writes a key's record only if none exists (`If-None-Match: *`): 'exists' when another writer
   * was first. `overwrite` replaces one that pointed at bad bytes.
   */
  putManifest(key: string, body: string, opts?: { overwrite?: boolean; signal?: AbortSignal }): Promise<'written' | 'exists'>;
}

export interface StoreOptions {
  /** The deadline of a request carrying nothing; default AIVP_REMOTE_TIMEOUT_MS, else TIMEOUT_MS. */
  timeoutMs?: number;
}

/** A remote that failed in a way worth one warning (unreachable, refused, timed out). */
export class RemoteError extends Error {}

/** The store answered, with an object that cannot be what was asked for. */
export class BadObject extends Error {}

// A dead or blackholed endpoint must cost seconds, not minutes: a refused connection fails at once,
// an unanswered one after CONNECT_MS; two attempts in all (the SDK's default of three, with
// backoff, made a dead remote cost ~7 s per request). An idle socket fails after IDLE_MS, but a
// store that trickles (a byte every 3 s stalled a build for 699 s) resets that clock: so every
// request also has a total deadline, TIMEOUT_MS plus the time its bytes take at MIN_BYTES_PER_S
// (2 Mbit/s, a poor uplink: a 10 MB clip gets 46 s in all).
const CONNECT_MS = 2000;
const IDLE_MS = 5000;
const TIMEOUT_MS = 6000;
const MIN_BYTES_PER_S = 256 * 1024;
const MAX_ATTEMPTS = 2;

export function createS3Store(target: RemoteTarget, env: Env, opts: StoreOptions = {}): RemoteStore {
  return new S3Store(target, s3Client(env), opts.timeoutMs ?? remoteTimeoutMs(env) ?? TIMEOUT_MS);
}

/** AIVP_REMOTE_TIMEOUT_MS: the deadline of one team cache request (before its size allowance), or unset. */
export function remoteTimeoutMs(env: Env): number | undefined {
  const raw = env.AIVP_REMOTE_TIMEOUT_MS?.trim();
  if (!raw) return undefined;
  const ms = Number(raw);
  if (!Number.isFinite(ms) || ms <= 0) throw new UsageError(`AIVP_REMOTE_TIMEOUT_MS must be a number of milliseconds (like 6000), not \`${raw}\``);
  return ms;
}

/** The SDK client, configured from the build's environment for a store that may not be AWS. */
function s3Client(env: Env): S3Client {
  // The SDK warns on Node 20 about releases it has not made yet; the version here is the one tested.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  const keyId = env.AWS_ACCESS_KEY_ID;
  const secret = env.AWS_SECRET_ACCESS_KEY;
  return new S3Client({
    endpoint,
    // MinIO, Ceph, R2 and friends address buckets by path, not by host name.
    forcePathStyle: endpoint !== undefined,
    // Non-AWS stores accept any region; AWS redirects a wrong one.
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || (endpoint ? 'us-east-1' : undefined),
    followRegionRedirects: true,
    profile: env.AWS_PROFILE || undefined,
    credentials: keyId && secret ? { accessKeyId: keyId, secretAccessKey: secret, sessionToken: env.AWS_SESSION_TOKEN || undefined } : undefined,
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: { connectionTimeout: CONNECT_MS, requestTimeout: IDLE_MS },
    // The SDK's default CRC32 trailers (aws-chunked bodies) are refused by several S3-compatible
    // stores; every blob is addressed and re-checked by its SHA-256 anyway.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** The store's requests, each against its object in the bucket's layout, each within its deadline. */
class S3Store implements RemoteStore {
  readonly url: string;
  private readonly bucket: string;
  private readonly base: string;

  constructor(
    target: RemoteTarget,
    private readonly client: S3Client,
    private readonly timeoutMs: number,
  ) {
    this.url = target.url;
    this.bucket = target.bucket;
    this.base = target.prefix ? `${target.prefix}/` : '';
  }

  async hasBlob(sha256: string, signal?: AbortSignal): Promise<boolean> {
    return this.call(0, signal, false, async (abortSignal) => {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.blobKey(sha256) }), { abortSignal });
      return true;
    });
  }

  async getBlob(sha256: string, bytes: number, signal?: AbortSignal): Promise<Buffer | undefined> {
    return this.call(bytes, signal, undefined, async (abortSignal) => {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.blobKey(sha256) }), { abortSignal });
      if (res.ContentLength !== undefined && res.ContentLength !== bytes) {
        discard(res.Body);
        throw new BadObject(`blobs/${sha256} holds ${res.ContentLength} bytes where its record says ${bytes}`);
      }
      return readCapped(res.Body, bytes, abortSignal, () => new BadObject(`blobs/${sha256} holds more than the ${bytes} bytes its record says`));
    });
  }

  async putBlob(sha256: string, body: Buffer, signal?: AbortSignal): Promise<void> {
    await this.call(body.length, signal, undefined, (abortSignal) =>
      this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.blobKey(sha256), Body: body, ContentType: 'application/octet-stream' }), { abortSignal }),
    );
  }

  async getManifest(key: string, signal?: AbortSignal): Promise<string | undefined> {
    return this.call(MAX_MANIFEST_BYTES, signal, undefined, async (abortSignal) => {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.manifestKey(key) }), { abortSignal });
      const tooLarge = (size: string) => new BadObject(`keys/${key}.json is ${size} bytes (a record is at most ${MAX_MANIFEST_BYTES})`);
      if (res.ContentLength !== undefined && res.ContentLength > MAX_MANIFEST_BYTES) {
        discard(res.Body);
        throw tooLarge(String(res.ContentLength));
      }
      return (await readCapped(res.Body, MAX_MANIFEST_BYTES, abortSignal, () => tooLarge(`over ${MAX_MANIFEST_BYTES}`))).toString('utf8');
    });
  }

  async putManifest(key: string, body: string, opts: { overwrite?: boolean; signal?: AbortSignal } = {}): Promise<'written' | 'exists'> {
    try {
      await this.send(Buffer.byteLength(body), opts.signal, (abortSignal) =>
        this.client.send(
          new PutObjectCommand({
            Bucket: this.bucket, Key: this.manifestKey(key), Body: body, ContentType: 'application/json',
            IfNoneMatch: opts.overwrite ? undefined : '*',
          }),
          { abortSignal },
        ),
      );
      return 'written';
    } catch (err) {
      // 412: the record exists (first writer wins); 409: another writer is writing it right now.
      const status = (err as S3ServiceException).$metadata?.httpStatusCode;
      if (status === 412 || status === 409) return 'exists';
      throw asRemoteError(err);
    }
  }

  /** Runs one request: a 404 gives `missing`, anything else that fails becomes a RemoteError. */
  private async call<T, M>(bytes: number, signal: AbortSignal | undefined, missing: M, fn: (abortSignal: AbortSignal) => Promise<T>): Promise<T | M> {
    try {
      return await this.send(bytes, signal, fn);
    } catch (err) {
      const status = (err as S3ServiceException).$metadata?.httpStatusCode;
      if (status === 404 && (err as Error).name !== 'NoSuchBucket') return missing;
      throw asRemoteError(err);
    }
  }

  /** The request under its deadline and the caller's signal; says which of the two stopped it. */
  private async send<T>(bytes: number, signal: AbortSignal | undefined, fn: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
    const ms = Math.round(this.timeoutMs + (bytes / MIN_BYTES_PER_S) * 1000);
    const deadline = AbortSignal.timeout(ms);
    const abortSignal = signal ? AbortSignal.any([deadline, signal]) : deadline;
    try {
      return await fn(abortSignal);
    } catch (err) {
      if (signal?.aborted) throw new RemoteError('cancelled');
      if (deadline.aborted) throw new RemoteError(`no answer in time (deadline ${(ms / 1000).toFixed(1)} s)`);
      throw err;
    }
  }

  private blobKey(sha256: string): string {
    return `${this.base}blobs/${sha256}`;
  }

  private manifestKey(key: string): string {
    return `${this.base}keys/${key}.json`;
  }
}

/**
 * A response body read to its end, refused (`tooLarge`) as soon as it passes `cap` bytes, and
 * dropped the moment `signal` aborts (the SDK's own abort stops at the headers on some paths).
 */
async function readCapped(body: unknown, cap: number, signal: AbortSignal, tooLarge: () => Error): Promise<Buffer> {
  const stream = body as Readable;
  const chunks: Buffer[] = [];
  let size = 0;
  const stop = () => stream.destroy(signal.reason as Error);
  signal.addEventListener('abort', stop, { once: true });
  try {
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      if (size > cap) {
        stream.destroy();
        throw tooLarge();
      }
      chunks.push(chunk as Buffer);
    }
  } finally {
    signal.removeEventListener('abort', stop);
  }
  if (signal.aborted) throw signal.reason;
  return Buffer.concat(chunks, size);
}

/** Drops a body not to be read. */
function discard(body: unknown): void {
  (body as Readable | undefined)?.destroy();
}

/** A one-line reason: the S3 error code and HTTP status, or the network error. */
function asRemoteError(err: unknown): RemoteError | BadObject {
  if (err instanceof RemoteError || err instanceof BadObject) return err;
  const e = err as S3ServiceException & { code?: string };
  const status = e.$metadata?.httpStatusCode;
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return new RemoteError('no answer in time');
  const code = e.code ?? (e.name && e.name !== 'Error' ? e.name : undefined);
  const text = (e.message || '').split('\n')[0];
  const label = [code, status ? `HTTP ${status}` : undefined].filter(Boolean).join(', ');
  return new RemoteError(label ? `${text || code} (${label})` : text || String(err));
}
