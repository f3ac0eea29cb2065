/**
 * A fake fal.ai for tests and benchmarks, driven through the REAL @fal-ai/client.
 *
 * It listens on 127.0.0.1 and acts as a fal proxy: set `AIVP_FAL_PROXY_URL` to `fake.url`
 * (or use `fake.env()`), and the SDK sends every call there with the real target in the
 * `x-fal-target-url` header. It speaks:
 *   - queue: POST queue.fal.run/<model> (submit), GET …/requests/<id>/status[/stream] (JSON or
 *     SSE), GET …/requests/<id> (result, with `x-fal-request-id`), PUT …/requests/<id>/cancel;
 *   - sync run: POST fal.run/<model>;
 *   - storage: POST rest.fal.ai/storage/upload/initiate -> a loopback `upload_url` the SDK PUTs
 *     the bytes to (directly, not through the proxy) and a loopback `file_url` serving them;
 *   - outputs: PNGs from the test image maker, deterministic in (model, prompt, seed, index), sized from
 *     `image_size` / `aspect_ratio` (or `imageSize`), served at `<url>/files/…` or as data: URIs;
 *     video models (id containing "video") return `{video:{url}}` with `videoBytes`.
 *
 * Every submit (and sync run) is checked against fal's catalogue (src/providers/fal/catalogue.json),
 * as fal checks it: an id that is no endpoint gets 404; a missing required field, a value outside
 * its enum or of the wrong kind gets 422 in fal's validation body (`{detail: [{loc, msg, type}]}`).
 * So does a field outside the endpoint's input type, which real fal silently ignores: here it is
 * refused, so no test passes on a setting that would do nothing. Endpoints newer than the pinned
 * catalogue are declared with `endpoints`.
 *
 * A job's life is counted in status polls (deterministic): `queueSteps` polls answer IN_QUEUE
 * with positions counting down, then `runSteps` polls IN_PROGRESS with one log line each, then
 * COMPLETED; `jobMs` additionally holds COMPLETED back until that long after submit (benchmarks).
 *
 *   const fake = await startFakeFal({ queueSteps: 2 });
 *   const provider = createFalProvider({ env: fake.env(), root });
 *   fake.fail({ on: 'submit', status: 429, headers: { 'retry-after': '3' } });  // next submit only
 *   fake.submits('fal-ai/flux/dev').length; fake.cancels; fake.uploads; fake.requests;
 *   fake.set({ nsfw: true });
 *   await fake.close();
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { falEndpoint } from '../../src/providers/fal/catalogue.js';
import { inputProblems, type PublishedInput } from '../../src/providers/published.js';
import { makeImage } from '../support/images.js';
import { json, readBody } from './http.js';

export interface FakeFalOptions {
  /** Delay before answering every request, in ms. Default 0. */
  latencyMs?: number;
  /** Status polls answering IN_QUEUE before a job runs. Default 0. */
  queueSteps?: number;
  /** Status polls answering IN_PROGRESS before COMPLETED. Default 1. */
  runSteps?: number;
  /** Minimum time from submit to COMPLETED, in ms. Default 0. */
  jobMs?: number;
  /** Outputs as loopback URLs (default) or as data: URIs. */
  outputs?: 'url' | 'data';
  /** Output image size regardless of the input's size fields. */
  imageSize?: { width: number; height: number };
  /** Flag every image output with has_nsfw_concepts: true. */
  nsfw?: boolean;
  /** Bytes served for video outputs. Default: a tiny MP4-signature stub (not playable). */
  videoBytes?: Buffer;
  /** Whether image outputs carry width/height fields. Default true. */
  reportDimensions?: boolean;
  /** Endpoints the catalogue lacks (a model fal published later), by id. */
  endpoints?: Record<string, PublishedInput>;
}

export type FakeRoute = 'submit' | 'status' | 'stream' | 'result' | 'cancel' | 'run' | 'initiate' | 'put' | 'file';

/** A scripted answer for the next matching call(s), instead of the normal behaviour. */
export interface FakeFailure {
  on: FakeRoute;
  /** Only calls for this model id (submit/run: full id; queue routes: `owner/app` prefix match). */
  model?: string;
  /** HTTP status to answer (with a JSON body). Ignored when `hang`. */
  status?: number;
  /** JSON body; default `{detail: "scripted failure"}`. 422 bodies use `{detail: [{loc, msg, type}]}`. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Never answer (the connection stays open until the client gives up or the fake closes). */
  hang?: boolean;
  /** Answer `status` (default 200) with these bytes verbatim (malformed JSON, an HTML page...). */
  raw?: string | Buffer;
  /** `file` route: announce the whole file, send only this many bytes, then cut the connection. */
  truncateAt?: number;
  /** Only calls whose target URL contains this. */
  urlIncludes?: string;
  /** How many matching calls this applies to. Default 1. */
  times?: number;
}

export interface FakeRequest {
  method: string;
  /** The real fal URL (from x-fal-target-url), or the loopback URL for uploads and files. */
  target: string;
  route: FakeRoute | 'unknown';
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface FakeSubmit {
  model: string;
  requestId: string;
  input: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

export interface FakeUpload {
  token: string;
  contentType: string;
  fileName: string;
  bytes: Buffer;
  url: string;
}

export interface FakeFal {
  /** The proxy URL: the value for AIVP_FAL_PROXY_URL. */
  url: string;
  /** An environment pointing the provider at this fake, with a fake key. */
  env(extra?: Record<string, string>): Record<string, string>;
  /** The key `env()` sets (tests check it never leaks). */
  key: string;
  requests: FakeRequest[];
  submissions: FakeSubmit[];
  /** Submissions, optionally for one model id. */
  submits(model?: string): FakeSubmit[];
  uploads: FakeUpload[];
  /** Request ids cancelled. */
  cancels: string[];
  fail(f: FakeFailure): void;
  set(opts: Partial<FakeFalOptions>): void;
  close(): Promise<void>;
}

interface Job {
  id: string;
  model: string;
  input: Record<string, unknown>;
  submittedAt: number;
  polls: number;
  cancelled: boolean;
  output?: Promise<Record<string, unknown>>;
}

const STUB_MP4 = Buffer.concat([
  Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.from([0, 0, 2, 0]), Buffer.from('isomiso2'),
  Buffer.from([0, 0, 0, 8]), Buffer.from('mdat'),
]);

const PRESETS: Record<string, [number, number]> = {
  square_hd: [1024, 1024], square: [512, 512], portrait_4_3: [768, 1024], portrait_16_9: [576, 1024],
  landscape_4_3: [1024, 768], landscape_16_9: [1024, 576],
};

export async function startFakeFal(initial: FakeFalOptions = {}): Promise<FakeFal> {
  let opts: FakeFalOptions = { ...initial };
  const key = `fal-test-key-${randomUUID()}`;
  const jobs = new Map<string, Job>();
  const files = new Map<string, { bytes: Buffer; type: string }>();
  const failures: FakeFailure[] = [];
  const requests: FakeRequest[] = [];
  const submissions: FakeSubmit[] = [];
  const uploads: FakeUpload[] = [];
  const cancels: string[] = [];
  let base = '';

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) json(res, 500, { detail: `fake fal crashed: ${String(err)}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const targetHeader = req.headers['x-fal-target-url'];
    const target = typeof targetHeader === 'string' ? targetHeader : `${base}${req.url ?? '/'}`;
    const parsed = classify(req.method ?? 'GET', target);
    requests.push({ method: req.method ?? 'GET', target, route: parsed.route, headers: req.headers, body });
    if (opts.latencyMs) await sleep(opts.latencyMs);
    if (parsed.route === 'unknown') return json(res, 404, { detail: `fake fal: no route for ${req.method} ${target}` });

    const failure = takeFailure(parsed.route, parsed.model, target);
    if (failure?.hang) return; // left open; closeAllConnections() ends it
    if (failure?.raw !== undefined) {
      res.writeHead(failure.status ?? 200, { 'content-type': 'application/json', ...failure.headers });
      return void res.end(failure.raw);
    }
    if (failure?.truncateAt !== undefined) {
      const file = files.get(new URL(target).pathname);
      if (!file) return json(res, 404, { detail: 'no such file' });
      res.writeHead(200, { 'content-type': file.type, 'content-length': file.bytes.length });
      return void res.write(file.bytes.subarray(0, failure.truncateAt), () => res.socket?.destroy());
    }
    if (failure) {
      const status = failure.status ?? 500;
      return json(res, status, failure.body ?? { detail: 'scripted failure' }, failure.headers);
    }

    switch (parsed.route) {
      case 'submit': {
        const input = parseJson(body);
        const refusal = refusalOf(parsed.model, input);
        if (refusal) return json(res, refusal.status, refusal.body);
        const job: Job = { id: randomUUID(), model: parsed.model, input, submittedAt: Date.now(), polls: 0, cancelled: false };
        jobs.set(job.id, job);
        submissions.push({ model: job.model, requestId: job.id, input, headers: req.headers });
        const q = `https://queue.fal.run/${appOf(job.model)}/requests/${job.id}`;
        return json(res, 200, {
          request_id: job.id, response_url: q, status_url: `${q}/status`, cancel_url: `${q}/cancel`,
          status: 'IN_QUEUE', queue_position: opts.queueSteps ?? 0,
        });
      }
      case 'run': {
        const input = parseJson(body);
        const refusal = refusalOf(parsed.model, input);
        if (refusal) return json(res, refusal.status, refusal.body);
        const job: Job = { id: randomUUID(), model: parsed.model, input, submittedAt: Date.now(), polls: 0, cancelled: false };
        submissions.push({ model: job.model, requestId: job.id, input, headers: req.headers });
        return json(res, 200, await outputOf(job), { 'x-fal-request-id': job.id });
      }
      case 'status': {
        const job = jobs.get(parsed.id);
        if (!job) return json(res, 404, { detail: 'Request not found' });
        return json(res, 200, advance(job));
      }
      case 'stream': {
        const job = jobs.get(parsed.id);
        if (!job) return json(res, 404, { detail: 'Request not found' });
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        for (;;) {
          const status = advance(job);
          res.write(`data: ${JSON.stringify(status)}\n\n`);
          if (status.status === 'COMPLETED' || res.destroyed) break;
          await sleep(20);
        }
        return void res.end();
      }
      case 'result': {
        const job = jobs.get(parsed.id);
        if (!job) return json(res, 404, { detail: 'Request not found' });
        if (job.cancelled) return json(res, 400, { detail: 'Request was cancelled' }, { 'x-fal-request-id': job.id });
        if (!isDone(job)) return json(res, 400, { detail: 'Request is still in progress' });
        return json(res, 200, await outputOf(job), { 'x-fal-request-id': job.id });
      }
      case 'cancel': {
        const job = jobs.get(parsed.id);
        if (!job) return json(res, 404, { detail: 'Request not found' });
        cancels.push(job.id);
        if (isDone(job)) return json(res, 400, { status: 'ALREADY_COMPLETED' });
        job.cancelled = true;
        return json(res, 202, { status: 'CANCELLATION_REQUESTED' });
      }
      case 'initiate': {
        const { content_type: contentType = 'application/octet-stream', file_name: fileName = 'upload.bin' } =
          parseJson(body) as { content_type?: string; file_name?: string };
        const token = randomUUID();
        const url = `${base}/files/${token}/${encodeURIComponent(fileName)}`;
        uploads.push({ token, contentType, fileName, bytes: Buffer.alloc(0), url });
        return json(res, 200, { upload_url: `${base}/upload/${token}`, file_url: url });
      }
      case 'put': {
        const up = uploads.find((u) => u.token === parsed.id);
        if (!up) return json(res, 404, { detail: 'unknown upload' });
        up.bytes = body;
        files.set(new URL(up.url).pathname, { bytes: body, type: up.contentType });
        res.writeHead(200);
        return void res.end();
      }
      case 'file': {
        const file = files.get(new URL(target).pathname);
        if (!file) return json(res, 404, { detail: 'no such file' });
        res.writeHead(200, { 'content-type': file.type, 'content-length': file.bytes.length });
        return void res.end(file.bytes);
      }
    }
  }

  /** fal's answer to an input its endpoint refuses, or undefined when it takes it. */
  function refusalOf(model: string, input: Record<string, unknown>): { status: number; body: unknown } | undefined {
    const type = opts.endpoints?.[model] ?? falEndpoint(model);
    if (!type) return { status: 404, body: { detail: `Application '${model}' not found` } };
    const problems = inputProblems(type, input);
    if (problems.length === 0) return undefined;
    return { status: 422, body: { detail: problems.map((p) => ({ loc: ['body', p.field], msg: p.msg, type: p.type })) } };
  }

  function takeFailure(route: FakeRoute, model: string, target: string): FakeFailure | undefined {
    const i = failures.findIndex((f) =>
      f.on === route && (!f.model || f.model === model || f.model.startsWith(`${model}/`)) &&
      (!f.urlIncludes || target.includes(f.urlIncludes)));
    if (i < 0) return undefined;
    const f = failures[i];
    const left = (f.times ?? 1) - 1;
    if (left <= 0) failures.splice(i, 1);
    else failures[i] = { ...f, times: left };
    return f;
  }

  function isDone(job: Job): boolean {
    const steps = (opts.queueSteps ?? 0) + (opts.runSteps ?? 1);
    return job.cancelled || (job.polls > steps && Date.now() - job.submittedAt >= (opts.jobMs ?? 0));
  }

  function advance(job: Job): Record<string, unknown> {
    job.polls++;
    const queueSteps = opts.queueSteps ?? 0;
    const urls = { request_id: job.id };
    if (isDone(job)) {
      return { ...urls, status: 'COMPLETED', logs: logsOf(job), metrics: { inference_time: 0.01 } };
    }
    if (job.polls <= queueSteps) return { ...urls, status: 'IN_QUEUE', queue_position: queueSteps - job.polls };
    return { ...urls, status: 'IN_PROGRESS', logs: logsOf(job) };
  }

  function logsOf(job: Job): Array<Record<string, string>> {
    const n = Math.max(0, Math.min(job.polls - (opts.queueSteps ?? 0), opts.runSteps ?? 1));
    return Array.from({ length: n }, (_, i) => ({
      message: `step ${i + 1}`, level: 'INFO', source: 'USER', timestamp: new Date(job.submittedAt).toISOString(),
    }));
  }

  function outputOf(job: Job): Promise<Record<string, unknown>> {
    job.output ??= makeOutput(job);
    return job.output;
  }

  async function makeOutput(job: Job): Promise<Record<string, unknown>> {
    const input = job.input;
    const seed = typeof input.seed === 'number' ? input.seed : Math.floor(Math.random() * 2 ** 31);
    if (job.model.includes('video')) {
      const bytes = opts.videoBytes ?? STUB_MP4;
      return { video: { url: publish(`${job.id}.mp4`, bytes, 'video/mp4'), content_type: 'video/mp4' }, seed };
    }
    const count = typeof input.num_images === 'number' ? input.num_images : 1;
    const { width, height } = opts.imageSize ?? sizeOf(input);
    const images = [];
    for (let i = 0; i < count; i++) {
      const bytes = await makeImage({ width, height, seed: JSON.stringify([job.model, input.prompt ?? '', seed, i]) });
      const url = publish(`${job.id}_${i}.png`, bytes, 'image/png');
      images.push({
        url, content_type: 'image/png', file_name: `${i}.png`, file_size: bytes.length,
        ...(opts.reportDimensions === false ? {} : { width, height }),
      });
    }
    return {
      images, seed, prompt: input.prompt,
      has_nsfw_concepts: images.map(() => Boolean(opts.nsfw)),
      timings: { inference: 0.01 },
    };
  }

  function publish(name: string, bytes: Buffer, type: string): string {
    if (opts.outputs === 'data') return `data:${type};base64,${bytes.toString('base64')}`;
    const path = `/files/out/${name}`;
    files.set(path, { bytes, type });
    return `${base}${path}`;
  }

  return {
    url: `${base}/proxy`,
    key,
    env: (extra = {}) => ({ FAL_KEY: key, AIVP_FAL_PROXY_URL: `${base}/proxy`, ...extra }),
    requests,
    submissions,
    submits: (model) => (model ? submissions.filter((s) => s.model === model) : submissions),
    uploads,
    cancels,
    fail: (f) => void failures.push(f),
    set: (o) => void (opts = { ...opts, ...o }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type Classified =
  | { route: 'submit' | 'run'; model: string; id: '' }
  | { route: 'status' | 'stream' | 'result' | 'cancel'; model: string; id: string }
  | { route: 'initiate' | 'put' | 'file'; model: ''; id: string }
  | { route: 'unknown'; model: ''; id: '' };

function classify(method: string, target: string): Classified {
  const url = new URL(target);
  const path = url.pathname.replace(/^\/+|\/+$/g, '');
  if (url.hostname === 'queue.fal.run') {
    const m = /^(.+?)\/requests\/([^/]+)(\/status(\/stream)?|\/cancel)?$/.exec(path);
    if (m) {
      const [, model, id, suffix, stream] = m;
      if (suffix === '/cancel' && method === 'PUT') return { route: 'cancel', model, id };
      if (stream && method === 'GET') return { route: 'stream', model, id };
      if (suffix?.startsWith('/status') && method === 'GET') return { route: 'status', model, id };
      if (!suffix && method === 'GET') return { route: 'result', model, id };
    } else if (method === 'POST') {
      return { route: 'submit', model: path, id: '' };
    }
  }
  if (url.hostname === 'fal.run' && method === 'POST') return { route: 'run', model: path, id: '' };
  if (url.hostname === 'rest.fal.ai' && path === 'storage/upload/initiate' && method === 'POST') {
    return { route: 'initiate', model: '', id: '' };
  }
  const up = /^upload\/([^/]+)$/.exec(path);
  if (up && method === 'PUT') return { route: 'put', model: '', id: up[1] };
  if (path.startsWith('files/') && method === 'GET') return { route: 'file', model: '', id: path };
  return { route: 'unknown', model: '', id: '' };
}

function appOf(model: string): string {
  return model.split('/').slice(0, 2).join('/');
}

function sizeOf(input: Record<string, unknown>): { width: number; height: number } {
  const s = input.image_size;
  if (typeof s === 'string' && PRESETS[s]) return { width: PRESETS[s][0], height: PRESETS[s][1] };
  if (s && typeof s === 'object') {
    const { width, height } = s as { width?: unknown; height?: unknown };
    if (typeof width === 'number' && typeof height === 'number') return { width, height };
  }
  const ratio = typeof input.aspect_ratio === 'string' ? /^(\d+):(\d+)$/.exec(input.aspect_ratio) : null;
  if (ratio) {
    const r = Number(ratio[1]) / Number(ratio[2]);
    return { width: Math.round(Math.sqrt(1024 * 1024 * r) / 16) * 16, height: Math.round(Math.sqrt((1024 * 1024) / r) / 16) * 16 };
  }
  return { width: 1024, height: 768 };
}

function parseJson(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  const v: unknown = JSON.parse(body.toString('utf8'));
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
}

