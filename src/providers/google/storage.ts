// Veo results written to a bucket (config.outputGcsUri): files.download cannot read `gs://`, so
// the object is read from the Cloud Storage JSON API with the Vertex credentials' bearer token.
import { redact } from '../../base/redact.js';
import { isTransientStatus, parseRetryAfter } from '../transport.js';
import { ProviderError } from '../types.js';

export interface GcsAccess {
  /** https://storage.googleapis.com, or STORAGE_EMULATOR_HOST. */
  baseUrl: string;
  token(): Promise<string>;
  secrets(): string[];
}

export async function readGcsObject(uri: string, access: GcsAccess, signal: AbortSignal): Promise<Buffer> {
  const m = /^gs:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!m) throw new ProviderError(`Veo returned an unreadable storage URI: ${uri}`, { retryable: false });
  const url = `${access.baseUrl}/storage/v1/b/${encodeURIComponent(m[1])}/o/${encodeURIComponent(m[2])}?alt=media`;
  const res = await fetch(url, { headers: { authorization: `Bearer ${await access.token()}` }, signal });
  if (res.ok) return Buffer.from(await res.arrayBuffer());

  const status = res.status;
  const detail = redact(await errorMessage(res), access.secrets());
  const what = `Cloud Storage ${status} reading ${uri}`;
  if (status === 401 || status === 403) {
    throw new ProviderError(`Google Cloud credentials rejected (${what}): ${detail}`, { retryable: false, status });
  }
  const retryable = isTransientStatus(status);
  const retryAfterMs = retryable ? parseRetryAfter(res.headers.get('retry-after')) : undefined;
  throw new ProviderError(`${what}: ${detail}`, { retryable, status, retryAfterMs });
}

/** The JSON API's `{error: {message}}`, else the start of whatever was sent. */
async function errorMessage(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const message = (JSON.parse(text) as { error?: { message?: string } }).error?.message;
    if (message) return message;
  } catch {
    // not JSON: a proxy's page
  }
  return text.slice(0, 200) || res.statusText;
}
