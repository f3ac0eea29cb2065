// A 200 from Stability with `Accept: application/json`: `{image: base64, finish_reason, seed}`.
// Filtered results are failed generations (Stability still sends a blurred image), and the
// decoded bytes must announce an image before anything is kept.
import { sniffMedia } from '../../media/probe.js';
import { redact } from '../../base/redact.js';
import { ProviderError } from '../types.js';

export interface StabilityImage {
  bytes: Buffer;
  /** The seed the server reports having used. */
  seed?: number;
}

export function parseAnswer(model: string, text: string, secrets: string[]): StabilityImage {
  let body: { image?: unknown; finish_reason?: unknown; seed?: unknown };
  try {
    body = JSON.parse(text) ?? {};
  } catch {
    // A proxy or gateway glitch, worth another try.
    const head = redact(text.slice(0, 120), secrets);
    throw new ProviderError(`${model}: Stability sent a malformed response (not JSON): ${JSON.stringify(head)}`, { retryable: true });
  }
  const reason = body.finish_reason;
  if (reason === 'CONTENT_FILTERED') {
    throw new ProviderError(`${model}: Stability's content filter blocked the result (finish_reason CONTENT_FILTERED): change the prompt or inputs`, { retryable: false });
  }
  if (reason !== undefined && reason !== 'SUCCESS') {
    throw new ProviderError(`${model}: Stability did not finish the image (finish_reason ${redact(String(reason), secrets)})`, { retryable: false });
  }
  if (typeof body.image !== 'string' || body.image.length === 0) {
    throw new ProviderError(`${model}: Stability's answer has no image`, { retryable: false });
  }
  const bytes = Buffer.from(body.image, 'base64');
  if (sniffMedia(bytes)?.kind !== 'image') {
    // Like a cut-off download: a new attempt usually gets good bytes.
    throw new ProviderError(`${model}: Stability's image field is not an image (${bytes.length} bytes decoded)`, { retryable: true });
  }
  const seed = typeof body.seed === 'number' && Number.isInteger(body.seed) ? body.seed : undefined;
  return { bytes, seed };
}
