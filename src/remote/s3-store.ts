// The team cache's bucket through the real AWS SDK: `<prefix>/blobs/<sha256>` (content-addressed
// bytes) and `<prefix>/keys/<key>.json` (a node key's record). Endpoint, region and credentials come
// from the SDK's standard settings, read from the build's environment (so `.env` works too).
import {
  GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException,
} from '@aws-sdk/client-s3';
import type { Env } from '../base/env.js';
import type { RemoteTarget } from '../project/remote-target.js';

export interface RemoteStore {
  readonly url: string;
  hasBlob(sha256: string): Promise<boolean>;
  /** The blob's bytes, or undefined when the store does not have it; refuses a blob of another size. */
  getBlob(sha256: string, bytes: number): Promise<Buffer | undefined>;
  putBlob(sha256: string, body: Buffer): Promise<void>;
  getManifest(key: string): Promise<string | undefined>;
  /**
   * Writes a key's record only if none exists (`If-None-Match: *`): 'exists' when another writer
   * was first. `overwrite` replaces one that pointed at bad bytes.
   */
  putManifest(key: string, body: string, opts?: { overwrite?: boolean }): Promise<'written' | 'exists'>;
}

/** A remote that failed in a way worth one warning (unreachable, refused, timed out). */
export class RemoteError extends Error {}

/** The store answered, with an object that cannot be what was asked for. */
export class BadObject extends Error {}

// A dead or blackholed endpoint must cost seconds, not minutes: a refused connection fails at once,
// an unanswered one after CONNECT_MS; two attempts in all (the SDK's default of three, with
// backoff, made a dead remote cost ~7 s per request). Small requests also get a total deadline.
const CONNECT_MS = 2000;
const IDLE_MS = 5000;
const SMALL_REQUEST_MS = 6000;
const MAX_ATTEMPTS = 2;

export function createS3Store(target: RemoteTarget, env: Env): RemoteStore {
  return new S3Store(target, s3Client(env));
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

const small = () => ({ abortSignal: AbortSignal.timeout(SMALL_REQUEST_MS) });

/** The store's requests, each against its object in the bucket's layout. */
class S3Store implements RemoteStore {
  readonly url: string;
  private readonly bucket: string;
  private readonly base: string;

  constructor(
    target: RemoteTarget,
    private readonly client: S3Client,
  ) {
    this.url = target.url;
    this.bucket = target.bucket;
    this.base = target.prefix ? `${target.prefix}/` : '';
  }

  async hasBlob(sha256: string): Promise<boolean> {
    return call(async () => {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.blobKey(sha256) }), small());
      return true;
    }, false);
  }

  async getBlob(sha256: string, bytes: number): Promise<Buffer | undefined> {
    return call(async () => {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.blobKey(sha256) }));
      if (res.ContentLength !== undefined && res.ContentLength !== bytes) {
        res.Body?.transformToWebStream().cancel().catch(() => undefined);
        throw new BadObject(`blobs/${sha256} holds ${res.ContentLength} bytes where its record says ${bytes}`);
      }
      return Buffer.from((await res.Body!.transformToByteArray()));
    }, undefined);
  }

  async putBlob(sha256: string, body: Buffer): Promise<void> {
    await call(() => this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.blobKey(sha256), Body: body, ContentType: 'application/octet-stream' })), undefined);
  }

  async getManifest(key: string): Promise<string | undefined> {
    return call(async () => {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.manifestKey(key) }), small());
      return res.Body!.transformToString('utf8');
    }, undefined);
  }

  async putManifest(key: string, body: string, opts: { overwrite?: boolean } = {}): Promise<'written' | 'exists'> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket, Key: this.manifestKey(key), Body: body, ContentType: 'application/json',
          IfNoneMatch: opts.overwrite ? undefined : '*',
        }),
        small(),
      );
      return 'written';
    } catch (err) {
      // 412: the record exists (first writer wins); 409: another writer is writing it right now.
      const status = (err as S3ServiceException).$metadata?.httpStatusCode;
      if (status === 412 || status === 409) return 'exists';
      throw asRemoteError(err);
    }
  }

  private blobKey(sha256: string): string {
    return `${this.base}blobs/${sha256}`;
  }

  private manifestKey(key: string): string {
    return `${this.base}keys/${key}.json`;
  }
}

/** Runs one request: a 404 gives `missing`, anything else that fails becomes a RemoteError. */
async function call<T, M>(fn: () => Promise<T>, missing: M): Promise<T | M> {
  try {
    return await fn();
  } catch (err) {
    const status = (err as S3ServiceException).$metadata?.httpStatusCode;
    if (status === 404 && (err as Error).name !== 'NoSuchBucket') return missing;
    throw asRemoteError(err);
  }
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
