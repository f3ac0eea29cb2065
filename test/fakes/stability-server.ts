/**
 * A fake Stability AI Stable Image v2beta on 127.0.0.1 (PROVIDERS.md, "Stability AI"):
 * `POST /v2beta/stable-image/generate/{ultra|core|sd3}`, multipart, `Authorization: Bearer`,
 * `Accept: application/json` -> `{image: base64 PNG, finish_reason, seed}`; errors as Stability
 * sends them, `{id, name, errors: [...]}`. The PNG is made with sharp, 64 px wide and as tall as
 * the `aspect_ratio` asked (or the input image's size in image-to-image mode).
 *
 *   const fake = await startFakeStability();
 *   env: { STABILITY_API_KEY: fake.key, STABILITY_BASE_URL: fake.url }
 *   fake.fail({ status: 429, retryAfter: '2' });   // the next call only
 *   fake.fail({ answer: 'filtered', model: 'sd3.5-large', times: 9 });
 *   fake.requests[0].fields.prompt; fake.requests[0].files.image.bytes
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { makeImage } from '../support/images.js';
import { json, readBody } from './http.js';

export interface FakeStabilityFile {
  filename: string;
  type: string;
  bytes: Buffer;
}

export interface FakeStabilityRequest {
  method: string;
  path: string;
  /** `ultra`, `core`, `sd3`, or undefined for an unknown path. */
  endpoint?: string;
  headers: IncomingMessage['headers'];
  /** Text parts of the multipart body. */
  fields: Record<string, string>;
  /** File parts of the multipart body. */
  files: Record<string, FakeStabilityFile>;
}

/** A scripted answer for the next matching call(s) instead of a good image. */
export interface FakeStabilityFault {
  /** An HTTP error with Stability's JSON body. */
  status?: number;
  /** What a 200 carries instead of a good image. */
  answer?: 'filtered' | 'malformed' | 'not-image' | 'no-image';
  /** Retry-After header value. */
  retryAfter?: string;
  /** `errors` of the error body (default: one line naming the status). */
  errors?: string[];
  /** An adversarial server that quotes the Authorization header it received in its error. */
  echoKey?: boolean;
  /** Never answer (the connection stays open until the client gives up or the fake closes). */
  hang?: boolean;
  /** Only calls to this endpoint (`ultra`, `core`, `sd3`). */
  endpoint?: string;
  /** Only calls whose `model` field is this (sd3 models). */
  model?: string;
  /** How many matching calls this applies to (default 1). */
  times?: number;
}

export interface FakeStability {
  url: string;
  /** A key that looks like a real one (`sk-…`), for leak checks. */
  key: string;
  requests: FakeStabilityRequest[];
  fail(f: FakeStabilityFault): void;
  close(): Promise<void>;
}

const RATIOS = new Set(['21:9', '16:9', '3:2', '5:4', '1:1', '4:5', '2:3', '9:16', '9:21']);
/** The seed a real server picks when asked for 0 or none. */
export const SERVER_SEED = 987654321;

export async function startFakeStability(): Promise<FakeStability> {
  const key = `sk-fakeStability${randomUUID().replace(/-/g, '')}`;
  const requests: FakeStabilityRequest[] = [];
  const faults: Array<FakeStabilityFault & { left: number }> = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const rec: FakeStabilityRequest = {
      method: req.method ?? 'GET', path, endpoint: /^\/v2beta\/stable-image\/generate\/(ultra|core|sd3)$/.exec(path)?.[1],
      headers: req.headers, fields: {}, files: {},
    };
    await parseMultipart(req, rec);
    requests.push(rec);

    if (!rec.endpoint || rec.method !== 'POST') return error(res, 404, 'not_found', [`${rec.method} ${path}: no such route`]);
    const auth = String(req.headers.authorization ?? '');
    if (auth !== `Bearer ${key}`) return error(res, 401, 'unauthorized', ['authorization: invalid or missing API key']);
    if (req.headers.accept !== 'application/json') return error(res, 400, 'bad_request', ['accept: must be application/json or image/*']);

    const fault = faults.find((f) => f.left > 0 && (!f.endpoint || f.endpoint === rec.endpoint) && (!f.model || f.model === rec.fields.model));
    if (fault) {
      fault.left--;
      if (fault.hang) return;
      if (fault.status) {
        const errors = fault.echoKey ? [`could not authorize "${auth}"`] : fault.errors ?? [`scripted failure ${fault.status}`];
        return error(res, fault.status, fault.status === 429 ? 'rate_limit_exceeded' : 'server_error', errors, fault.retryAfter ? { 'retry-after': fault.retryAfter } : {});
      }
    }

    const problems = validate(rec);
    if (problems.length) return error(res, 400, 'bad_request', problems);
    const seed = rec.fields.seed && rec.fields.seed !== '0' ? Number(rec.fields.seed) : SERVER_SEED;
    const png = await image(rec);
    switch (fault?.answer) {
      case 'filtered':
        return json(res, 200, { image: png.toString('base64'), finish_reason: 'CONTENT_FILTERED', seed });
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end('{"image": "iVBOR');
      case 'not-image':
        return json(res, 200, { image: Buffer.from('<html>oops</html>').toString('base64'), finish_reason: 'SUCCESS', seed });
      case 'no-image':
        return json(res, 200, { finish_reason: 'SUCCESS', seed });
      default:
        return json(res, 200, { image: png.toString('base64'), finish_reason: 'SUCCESS', seed });
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => error(res, 500, 'internal', [err.message]));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    key,
    requests,
    fail: (f) => void faults.push({ ...f, left: f.times ?? 1 }),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Node's own multipart parser (undici's Request.formData), as a real server would parse it. */
async function parseMultipart(req: IncomingMessage, rec: FakeStabilityRequest): Promise<void> {
  const type = String(req.headers['content-type'] ?? '');
  if (!type.startsWith('multipart/form-data')) return;
  const body = await readBody(req);
  const form = await new Request('http://fake/', { method: 'POST', headers: { 'content-type': type }, body: new Uint8Array(body) }).formData();
  for (const [name, value] of form) {
    if (typeof value === 'string') rec.fields[name] = value;
    else rec.files[name] = { filename: value.name, type: value.type, bytes: Buffer.from(await value.arrayBuffer()) };
  }
}

/** What Stability checks of a generate call (the subset aivp could get wrong). */
function validate(rec: FakeStabilityRequest): string[] {
  const f = rec.fields;
  const problems: string[] = [];
  if (!f.prompt) problems.push('prompt: is required');
  if (f.aspect_ratio !== undefined && !RATIOS.has(f.aspect_ratio)) problems.push(`aspect_ratio: must be one of ${[...RATIOS].join(', ')}`);
  if (f.seed !== undefined && !(/^\d+$/.test(f.seed) && Number(f.seed) <= 4294967294)) problems.push('seed: must be an integer in 0..4294967294');
  if (f.output_format !== undefined && !['png', 'jpeg', 'webp'].includes(f.output_format)) problems.push('output_format: must be png, jpeg or webp');
  if (rec.endpoint === 'sd3') {
    if (f.model !== undefined && !['sd3.5-large', 'sd3.5-large-turbo', 'sd3.5-medium'].includes(f.model)) problems.push(`model: unknown model ${f.model}`);
    if (f.mode === 'image-to-image' && (!rec.files.image || f.strength === undefined)) problems.push('image, strength: required for image-to-image');
  } else {
    if (f.model !== undefined) problems.push('model: not a field of this endpoint');
    if (f.mode !== undefined) problems.push('mode: not a field of this endpoint');
    // Ultra takes an image with a strength (v2beta reference); Core takes none.
    if (rec.endpoint === 'core' && rec.files.image) problems.push('image: not a field of this endpoint');
    if (rec.endpoint === 'ultra' && rec.files.image && f.strength === undefined) problems.push('strength: required with an image');
  }
  return problems;
}

async function image(rec: FakeStabilityRequest): Promise<Buffer> {
  let width = 64;
  let height = 64;
  const input = rec.files.image;
  if (input) {
    const meta = await sharp(input.bytes).metadata();
    [width, height] = [meta.width, meta.height];
  } else if (rec.fields.aspect_ratio) {
    const [w, h] = rec.fields.aspect_ratio.split(':').map(Number);
    height = Math.round((64 * h) / w);
  }
  return makeImage({ width, height, colour: '#4a6' });
}

function error(res: ServerResponse, status: number, name: string, errors: string[], headers: Record<string, string> = {}): void {
  json(res, status, { id: randomUUID().replace(/-/g, ''), name, errors }, headers);
}
