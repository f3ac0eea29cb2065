// A minimal fal.ai fake with a job-latency knob, for benchmarks: a fal proxy on 127.0.0.1 (set
// AIVP_FAL_PROXY_URL to `url`; the real SDK sends the real target in `x-fal-target-url`). A job is
// COMPLETED `jobMs` after its submit, told by polling or by the SSE status stream; every answer is
// delayed by `requestMs`. It timestamps submits and results so the bench can measure at the
// server. (test/fakes/fal-server.ts is the full fake for tests; this one is plain JS so benchmarks
// need no TypeScript loader.)
import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';

export async function startFakeFal({ jobMs = 500, requestMs = 0 } = {}) {
  const jobs = new Map();
  const files = new Map();
  const submits = [];
  const results = [];
  const uploads = [];
  const listeners = new Set();
  let base = '';

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => json(res, 500, { detail: String(err) }));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;

  async function handle(req, res) {
    const body = await readBody(req);
    const header = req.headers['x-fal-target-url'];
    const target = new URL(typeof header === 'string' ? header : `${base}${req.url}`);
    if (requestMs) await sleep(requestMs);
    const path = target.pathname.replace(/^\/+|\/+$/g, '');
    if (target.hostname === 'queue.fal.run') {
      const m = /^(.+?)\/requests\/([^/]+)(\/status\/stream|\/status|\/cancel)?$/.exec(path);
      if (!m && req.method === 'POST') {
        const input = body.length ? JSON.parse(body.toString()) : {};
        const job = { id: randomUUID(), model: path, input, at: Date.now(), cancelled: false };
        jobs.set(job.id, job);
        const event = { model: path, id: job.id, at: Date.now(), input };
        submits.push(event);
        for (const l of listeners) l(event);
        return json(res, 200, { request_id: job.id, status: 'IN_QUEUE', queue_position: 0 });
      }
      const job = m && jobs.get(m[2]);
      if (!job) return json(res, 404, { detail: 'Request not found' });
      const done = job.cancelled || Date.now() - job.at >= jobMs;
      if (m[3] === '/cancel') {
        if (done) return json(res, 400, { status: 'ALREADY_COMPLETED' });
        job.cancelled = true;
        return json(res, 202, { status: 'CANCELLATION_REQUESTED' });
      }
      if (m[3] === '/status/stream') {
        // SSE as fal sends it: the state now, then COMPLETED the moment the job is done.
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        const event = (status) => res.write(`data: ${JSON.stringify({ request_id: job.id, status, logs: [] })}\n\n`);
        if (!done) {
          event('IN_PROGRESS');
          await sleep(Math.max(0, job.at + jobMs - Date.now()));
        }
        event('COMPLETED');
        return void res.end();
      }
      if (m[3] === '/status') return json(res, 200, { request_id: job.id, status: done ? 'COMPLETED' : 'IN_PROGRESS', logs: [] });
      if (!done) return json(res, 400, { detail: 'Request is still in progress' });
      results.push({ id: job.id, at: Date.now() });
      return json(res, 200, await output(job), { 'x-fal-request-id': job.id });
    }
    if (target.hostname === 'rest.fal.ai' && path === 'storage/upload/initiate') {
      const token = randomUUID();
      uploads.push({ at: Date.now() });
      return json(res, 200, { upload_url: `${base}/upload/${token}`, file_url: `${base}/files/${token}` });
    }
    const up = /^upload\/([^/]+)$/.exec(path);
    if (up && req.method === 'PUT') {
      files.set(`files/${up[1]}`, body);
      res.writeHead(200);
      return void res.end();
    }
    const file = files.get(path);
    if (file) {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': file.length });
      return void res.end(file);
    }
    return json(res, 404, { detail: `no route for ${req.method} ${target}` });
  }

  async function output(job) {
    job.output ??= (async () => {
      const h = createHash('sha256').update(JSON.stringify([job.model, job.input.prompt, job.input.seed])).digest();
      const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: h[0], g: h[1], b: h[2] } } }).png().toBuffer();
      files.set(`files/out/${job.id}.png`, png);
      return { images: [{ url: `${base}/files/out/${job.id}.png`, content_type: 'image/png', width: 64, height: 64 }], seed: job.input.seed ?? 1 };
    })();
    return job.output;
  }

  return {
    url: `${base}/proxy`,
    env: () => ({ FAL_KEY: 'bench-dummy-key', AIVP_FAL_PROXY_URL: `${base}/proxy` }),
    submits,
    results,
    uploads,
    /** Calls fn on every submit until the returned function is called. */
    onSubmit(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function json(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
