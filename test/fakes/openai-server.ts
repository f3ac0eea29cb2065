// A fake OpenAI images API on 127.0.0.1 speaking the wire format `openai` 6.x uses (PROVIDERS.md):
// `POST /v1/images/generations` (JSON) and `POST /v1/images/edits` (multipart), answering
// base64 PNGs; the same routes under `/v1/openai/` act as ImageRouter, which answers URLs (its
// default `response_format`) served by this fake too.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeImage } from '../support/images.js';
import { json, readBody } from './http.js';
import { openaiRefusal } from './openai-rules.js';

export interface FakeOpenAIFailure {
  status: number;
  /** How many matching requests fail before the server recovers (default: all). */
  times?: number;
  /** Only requests whose path contains this fail (default: every images call). */
  pathIncludes?: string;
  /** `error.code` of the body, e.g. 'moderation_blocked', 'rate_limit_exceeded'. */
  code?: string;
  message?: string;
  /** Retry-After header (seconds, fractions allowed). */
  retryAfter?: string;
  /** An adversarial server that echoes the key it received into the error message. */
  echoKey?: boolean;
  /** Never answer (the connection stays open until the client gives up or the fake closes). */
  hang?: boolean;
}

export interface FakeOpenAIBehaviour {
  /**
   * ok: images; malformed: `{created}` without data; not-image: HTML bytes where the image
   * should be (base64, or behind the URL); truncated-json: a 200 whose JSON is cut off.
   */
  answer: 'ok' | 'malformed' | 'not-image' | 'truncated-json';
  fail?: FakeOpenAIFailure;
  /** Answered image URLs fail with this HTTP status. */
  downloadStatus?: number;
}

export interface RecordedPart {
  name: string;
  filename: string;
  type: string;
  bytes: Buffer;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** JSON body (generations) or the text fields of a multipart body (edits), each value a list. */
  json?: any;
  fields?: Record<string, string[]>;
  /** File parts of a multipart body, in order. */
  files: RecordedPart[];
}

export interface FakeOpenAI {
  /** Base URL of the OpenAI flavour (`OPENAI_BASE_URL`). */
  openaiUrl: string;
  /** Base URL of the ImageRouter flavour (`IMAGEROUTER_BASE_URL`). */
  imagerouterUrl: string;
  behaviour: FakeOpenAIBehaviour;
  requests: RecordedRequest[];
  /** Image calls (not downloads) whose path contains `fragment`. */
  calls(fragment?: string): RecordedRequest[];
  /** Downloads of answered image URLs. */
  downloads: string[];
  close(): Promise<void>;
}

const COLORS = ['#3a7', '#a37', '#37a', '#aa3'];
const HTML = Buffer.from('<!doctype html><html><body>502 Bad Gateway</body></html>');

export async function startFakeOpenAI(opts: Partial<FakeOpenAIBehaviour> = {}): Promise<FakeOpenAI> {
  // One PNG per index, so several images of one answer differ.
  const pngs = await Promise.all(COLORS.map((background) =>
    makeImage({ colour: background })));
  const behaviour: FakeOpenAIBehaviour = { answer: 'ok', ...opts };
  const requests: RecordedRequest[] = [];
  const downloads: string[] = [];
  /** Files answered by URL: id -> bytes. */
  const served = new Map<string, Buffer>();
  let failed = 0;
  let nextId = 1;
  let base = '';

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const raw = await readBody(req);

    const file = /^\/files\/(\w+)\.png$/.exec(path);
    if (file && req.method === 'GET') {
      downloads.push(path);
      const bytes = served.get(file[1]);
      if (behaviour.downloadStatus) return json(res, behaviour.downloadStatus, { error: { message: 'fake download failure', type: 'server_error' } });
      if (!bytes) return json(res, 404, { error: { message: 'no such file', type: 'invalid_request_error' } });
      res.writeHead(200, { 'content-type': bytes === HTML ? 'text/html' : 'image/png', 'content-length': bytes.length });
      return void res.end(bytes);
    }

    const route = /^\/v1(\/openai)?\/images\/(generations|edits)$/.exec(path);
    if (!route || req.method !== 'POST') {
      return json(res, 404, { error: { message: `No route for ${req.method} ${path}`, type: 'invalid_request_error', code: 'not_found' } });
    }
    const rec = await record(req, path, raw);
    requests.push(rec);
    const requestId = `req_${nextId++}`;

    const fail = behaviour.fail;
    if (fail && (fail.pathIncludes === undefined || path.includes(fail.pathIncludes)) && (fail.times === undefined || failed < fail.times)) {
      failed++;
      if (fail.hang) return;
      const key = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
      const message = fail.echoKey ? `Incorrect API key provided: ${key}. You can find your API key at https://example.test/?key=${key}` : (fail.message ?? `Fake error ${fail.status}`);
      const headers: Record<string, string> = { 'x-request-id': requestId };
      if (fail.retryAfter !== undefined) headers['retry-after'] = fail.retryAfter;
      return json(res, fail.status, { error: { message, type: 'invalid_request_error', param: null, code: fail.code ?? null } }, headers);
    }

    const imagerouter = route[1] !== undefined;
    // OpenAI itself refuses what it does not publish; ImageRouter fronts many vendors' rules.
    const refusal = imagerouter ? undefined : openaiRefusal(route[2] === 'generations' ? 'generate' : 'edit', sentFields(rec), rec.files.filter((f) => f.name.startsWith('image')).length);
    if (refusal) {
      return json(res, refusal.status, { error: { message: refusal.message, type: 'invalid_request_error', param: refusal.param, code: refusal.code } }, { 'x-request-id': requestId });
    }
    const n = Number((rec.json?.n ?? rec.fields?.n?.[0]) ?? 1);
    const headers = { 'x-request-id': requestId };
    if (behaviour.answer === 'malformed') return json(res, 200, { created: 1 }, headers);
    if (behaviour.answer === 'truncated-json') {
      res.writeHead(200, { 'content-type': 'application/json', ...headers });
      return void res.end('{"created": 1, "data": [{"b64_');
    }
    const images = Array.from({ length: n }, (_, i) => (behaviour.answer === 'not-image' ? HTML : pngs[i % pngs.length]));
    const wantsB64 = (rec.json?.response_format ?? rec.fields?.response_format?.[0]) === 'b64_json';
    const data = images.map((bytes) => {
      if (!imagerouter || wantsB64) return { b64_json: bytes.toString('base64') };
      const id = `img${nextId++}`;
      served.set(id, bytes);
      return { url: `${base}/files/${id}.png` };
    });
    json(res, 200, { created: Math.floor(Date.now() / 1000), data, usage: { total_tokens: 100, input_tokens: 50, output_tokens: 50 } }, headers);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => json(res, 500, { error: { message: err.message, type: 'server_error' } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    openaiUrl: `${base}/v1`,
    imagerouterUrl: `${base}/v1/openai`,
    behaviour,
    requests,
    calls: (fragment = '') => requests.filter((r) => r.path.includes(fragment)),
    downloads,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Every field of a request as sent: the JSON body, or a form's text fields (first value) and file parts. */
function sentFields(rec: RecordedRequest): Record<string, unknown> {
  if (rec.json) return rec.json;
  const fields: Record<string, unknown> = Object.fromEntries(Object.entries(rec.fields ?? {}).map(([k, v]) => [k, v[0]]));
  for (const f of rec.files) fields[f.name] = f.filename;
  return fields;
}

/** A request as the server saw it; multipart bodies parsed by undici's own FormData parser. */
async function record(req: IncomingMessage, path: string, raw: Buffer): Promise<RecordedRequest> {
  const rec: RecordedRequest = { method: req.method ?? 'POST', path, headers: req.headers, files: [] };
  const type = String(req.headers['content-type'] ?? '');
  if (type.startsWith('application/json')) {
    rec.json = JSON.parse(raw.toString('utf8'));
  } else if (type.startsWith('multipart/form-data')) {
    const form = await new Request('http://fake/', { method: 'POST', headers: { 'content-type': type }, body: new Uint8Array(raw) }).formData();
    rec.fields = {};
    for (const [name, value] of form.entries()) {
      if (typeof value === 'string') (rec.fields[name] ??= []).push(value);
      else rec.files.push({ name, filename: value.name, type: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
    }
  }
  return rec;
}
