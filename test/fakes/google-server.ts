// A fake Gemini API (v1beta) on 127.0.0.1 speaking the wire protocol @google/genai 2.32 uses:
// generateContent, predictLongRunning, operation polling and file download (see PROVIDERS.md).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeImage } from '../support/images.js';
import { json, readBody } from './http.js';
import { imageRefusal, videoRefusal, type GoogleRefusal } from './google-rules.js';

export interface FakeFailure {
  status: number;
  /** How many matching requests fail before the server recovers (default: all). */
  times?: number;
  /** Only requests whose path contains this fail (default: every request). */
  pathIncludes?: string;
  /** google.rpc.RetryInfo.retryDelay in the body, e.g. "7s". */
  retryDelay?: string;
  /** Retry-After header in seconds. */
  retryAfter?: number;
  /** An adversarial server that echoes the API key it received into the error message. */
  echoKey?: boolean;
  /** Never answer (the connection stays open until the client gives up or the fake closes). */
  hang?: boolean;
  /** Answer `status` with these bytes verbatim instead of an error body (malformed JSON...). */
  raw?: string;
}

/** Knobs a test may change at any time. */
export interface FakeGoogleBehaviour {
  image: 'ok' | 'blocked' | 'image-safety' | 'text-only';
  /** Polls an operation needs before it is done. */
  pollsUntilDone: number;
  operation: 'ok' | 'error' | 'filtered';
  fail?: FakeFailure;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body?: any;
}

export interface FakeGoogle {
  url: string;
  behaviour: FakeGoogleBehaviour;
  requests: RecordedRequest[];
  /** Requests whose path contains `fragment`. */
  count(fragment: string): number;
  close(): Promise<void>;
}

/** A tiny MP4 whose top-level boxes (ftyp, moov, mdat) tile the file, so the engine's probe accepts it. */
export const FAKE_MP4 = Buffer.concat([
  Buffer.from([0, 0, 0, 0x18]),
  Buffer.from('ftypmp42\0\0\0\0isommp42', 'latin1'),
  Buffer.from([0, 0, 0, 8]),
  Buffer.from('moov', 'latin1'),
  Buffer.from([0, 0, 0, 12]),
  Buffer.from('mdatfake', 'latin1'),
]);

export async function startFakeGoogle(opts: Partial<FakeGoogleBehaviour> & { imageWidth?: number; imageHeight?: number } = {}): Promise<FakeGoogle> {
  const png = await makeImage({ width: opts.imageWidth, height: opts.imageHeight, colour: '#3a7' });
  const behaviour: FakeGoogleBehaviour = { image: 'ok', pollsUntilDone: 2, operation: 'ok', ...opts };
  const requests: RecordedRequest[] = [];
  /** Polls so far and the outcome of each operation, fixed when it was submitted (as a real one is). */
  const polls = new Map<string, { n: number; outcome: FakeGoogleBehaviour['operation'] }>();
  let failed = 0;
  let nextOp = 1;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = await readBody(req);
    const rec: RecordedRequest = {
      method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers,
      body: raw.length ? JSON.parse(raw.toString('utf8')) : undefined,
    };
    requests.push(rec);

    const fail = behaviour.fail;
    if (fail && (fail.pathIncludes === undefined || rec.path.includes(fail.pathIncludes)) && (fail.times === undefined || failed < fail.times)) {
      failed++;
      if (fail.hang) return;
      if (fail.raw !== undefined) {
        res.writeHead(fail.status, { 'content-type': 'application/json; charset=UTF-8' });
        return void res.end(fail.raw);
      }
      return sendError(res, fail, String(req.headers['x-goog-api-key'] ?? ''));
    }

    let m = /^\/v1beta\/models\/([^/:]+):generateContent$/.exec(rec.path);
    if (m && rec.method === 'POST') {
      const refusal = imageRefusal(m[1], rec.body);
      return refusal ? refuse(res, refusal) : json(res, 200, imageResponse(behaviour.image, png));
    }

    m = /^\/v1beta\/models\/([^/:]+):predictLongRunning$/.exec(rec.path);
    if (m && rec.method === 'POST') {
      const refusal = videoRefusal('gemini', m[1], rec.body);
      if (refusal) return refuse(res, refusal);
      const name = `models/${m[1]}/operations/op${nextOp++}`;
      polls.set(name, { n: 0, outcome: behaviour.operation });
      return json(res, 200, { name });
    }

    m = /^\/v1beta\/(models\/[^/]+\/operations\/[^/]+)$/.exec(rec.path);
    if (m && rec.method === 'GET') {
      const name = m[1];
      const op = polls.get(name);
      if (op === undefined) return json(res, 404, { error: { code: 404, message: `Operation ${name} not found`, status: 'NOT_FOUND' } });
      const n = ++op.n;
      if (n < behaviour.pollsUntilDone) return json(res, 200, { name, metadata: { progressPercent: Math.round((100 * n) / behaviour.pollsUntilDone) } });
      return json(res, 200, doneOperation(name, op.outcome));
    }

    m = /^\/v1beta\/files\/([a-z0-9]+):download$/.exec(rec.path);
    if (m && rec.method === 'GET' && url.searchParams.get('alt') === 'media') {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': FAKE_MP4.length });
      return void res.end(FAKE_MP4);
    }

    json(res, 404, { error: { code: 404, message: `No route for ${rec.method} ${rec.path}`, status: 'NOT_FOUND' } });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => json(res, 500, { error: { code: 500, message: err.message, status: 'INTERNAL' } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    behaviour,
    requests,
    count: (fragment) => requests.filter((r) => r.path.includes(fragment)).length,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A generateContent answer, the same on the Gemini API and Vertex AI. */
export function imageResponse(mode: FakeGoogleBehaviour['image'], png: Buffer): unknown {
  const usageMetadata = { promptTokenCount: 10, candidatesTokenCount: 1290, totalTokenCount: 1300 };
  switch (mode) {
    case 'blocked':
      return { promptFeedback: { blockReason: 'PROHIBITED_CONTENT' }, usageMetadata, modelVersion: 'fake', responseId: 'resp-blocked' };
    case 'image-safety':
      return {
        candidates: [{ content: { role: 'model', parts: [] }, finishReason: 'IMAGE_SAFETY', index: 0 }],
        usageMetadata, modelVersion: 'fake', responseId: 'resp-safety',
      };
    case 'text-only':
      return {
        candidates: [{ content: { role: 'model', parts: [{ text: 'I cannot draw that, but here is a poem.' }] }, finishReason: 'STOP', index: 0 }],
        usageMetadata, modelVersion: 'fake', responseId: 'resp-text',
      };
    case 'ok':
      return {
        candidates: [{
          content: { role: 'model', parts: [{ text: 'Here you go.' }, { inlineData: { mimeType: 'image/png', data: png.toString('base64') } }] },
          finishReason: 'STOP', index: 0,
        }],
        usageMetadata, modelVersion: 'fake', responseId: 'resp-123',
      };
  }
}

function doneOperation(name: string, mode: FakeGoogleBehaviour['operation']): unknown {
  if (mode === 'error') return { name, done: true, error: { code: 3, message: 'The input image could not be processed.' } };
  if (mode === 'filtered') {
    return {
      name, done: true,
      response: {
        '@type': 'type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse',
        generateVideoResponse: {
          raiMediaFilteredCount: 1,
          raiMediaFilteredReasons: ['The video was filtered because it depicted a celebrity.'],
        },
      },
    };
  }
  const id = name.split('/').pop();
  return {
    name, done: true,
    response: {
      '@type': 'type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse',
      generateVideoResponse: {
        generatedSamples: [{ video: { uri: `https://generativelanguage.googleapis.com/v1beta/files/vid${id}:download?alt=media` } }],
      },
    },
  };
}

/** Google's refusal of a request it does not accept, as google.rpc says it. */
export function refuse(res: ServerResponse, r: GoogleRefusal): void {
  json(res, r.status, { error: { code: r.status, message: r.message, status: STATUS_NAMES[r.status] } });
}

/** A google.rpc error body; `echo` is the credential an adversarial server repeats back. */
export function sendError(res: ServerResponse, fail: FakeFailure, echo: string): void {
  const status = STATUS_NAMES[fail.status] ?? 'UNKNOWN';
  const details: unknown[] = [];
  if (fail.retryDelay) details.push({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: fail.retryDelay });
  const message = fail.echoKey ? `API key not valid: ${echo}. See https://example.test/?key=${echo}` : `Fake ${status}`;
  const headers: Record<string, string> = {};
  if (fail.retryAfter !== undefined) headers['retry-after'] = String(fail.retryAfter);
  json(res, fail.status, { error: { code: fail.status, message, status, details } }, headers);
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE',
};

