import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choosePick, projectHash } from '../../src/gallery/pick.js';
import { EVENTS_PATH, PICK_PATH, serveGallery, type GalleryServer } from '../../src/gallery/serve.js';
import { makeImage } from '../support/images.js';
import { tempDir } from '../support/project.js';
import { PICK_YAML } from './fixture.js';

let tmp: string;
let server: GalleryServer;
let projectDir: string;

beforeAll(async () => {
  tmp = await tempDir();
  const dir = path.join(tmp, 'gallery');
  await mkdir(path.join(dir, 'media'), { recursive: true });
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><html><body><h1>hi</h1></body></html>');
  await writeFile(path.join(dir, 'media', 'clip.mp4'), CLIP);
  for (const format of ['webp', 'png', 'jpeg'] as const) await writeFile(path.join(dir, 'media', `a.${format === 'jpeg' ? 'jpg' : format}`), await makeImage({ format }));
  await writeFile(path.join(dir, 'media', 'a.webm'), Buffer.from('1a45dfa39f4282847765626d', 'hex'));
  await writeFile(path.join(dir, 'media', 'a.vtt'), 'WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n');
  await writeFile(path.join(dir, 'media', 'a.wav'), Buffer.concat([Buffer.from('RIFF\x24\0\0\0WAVEfmt ', 'latin1'), Buffer.alloc(32)]));
  await writeFile(path.join(tmp, 'secret.txt'), 'outside the gallery');
  projectDir = path.join(tmp, 'project');
  await mkdir(projectDir);
  server = await serveGallery({ dir, onPick: (req) => choosePick(projectDir, req) });
});

afterAll(async () => {
  await server.close();
});

/** An MP4's first box and ten bytes of payload, enough for the type check and the range test. */
const CLIP = Buffer.concat([Buffer.from('00000014667479706973736f6d00000200000000', 'hex'), Buffer.from('0123456789')]);

/** A raw request, so the path and headers reach the server exactly as written (fetch would normalise `..` and set Host). */
function raw(
  pathname: string,
  headers: Record<string, string> = {},
  opts: { method?: string; body?: string; setHost?: boolean } = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path: pathname, headers, method: opts.method ?? 'GET', setHost: opts.setHost ?? true }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** The session token, as the served page carries it. */
async function token(): Promise<string> {
  const html = await (await fetch(server.url)).text();
  return /<meta name="aivp-session" content="([0-9a-f]+)" data-picks>/.exec(html)![1]!;
}

describe('serveGallery', () => {
  it('binds to loopback on a free port by default', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('serves index.html with the live-reload script injected', async () => {
    const res = await fetch(server.url);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const body = await res.text();
    expect(body).toContain('<h1>hi</h1>');
    expect(body).toMatch(/<meta name="aivp-session" content="[0-9a-f]{48}" data-picks><script>\(\(\) => \{[\s\S]*new EventSource\("\/__aivp\/events"\)[\s\S]*<\/script><\/body>/);
    expect(EVENTS_PATH).toBe('/__aivp/events');
  });

  it.each([
    ['webp', 'image/webp'],
    ['png', 'image/png'],
    ['jpg', 'image/jpeg'],
    ['webm', 'video/webm'],
    ['mp4', 'video/mp4'],
    ['vtt', 'text/vtt'],
    ['wav', 'audio/wav'],
  ])('serves .%s as %s', async (ext, type) => {
    const res = await fetch(new URL(ext === 'mp4' ? 'media/clip.mp4' : `media/a.${ext}`, server.url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(type);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers the favicon browsers ask for with an empty 204, not a 404', async () => {
    const res = await fetch(new URL('favicon.ico', server.url));
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
  });

  it('answers byte ranges, as video elements ask', async () => {
    const res = await fetch(new URL('media/clip.mp4', server.url), { headers: { Range: 'bytes=22-25' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 22-25/${CLIP.length}`);
    expect(await res.text()).toBe('2345');
    const bad = await fetch(new URL('media/clip.mp4', server.url), { headers: { Range: 'bytes=99-' } });
    expect(bad.status).toBe(416);
    const odd = await fetch(new URL('media/clip.mp4', server.url), { headers: { Range: 'bytes=-4' } });
    expect(odd.status).toBe(200);
  });

  it('serves nothing but its page and media whose bytes are what their names say', async () => {
    const dir = path.join(tmp, 'gallery');
    const png = await makeImage({ format: 'png' });
    await mkdir(path.join(dir, 'keyframes'), { recursive: true });
    await writeFile(path.join(dir, 'keyframes', 'a_2.html'), '<script>fetch("/__aivp/pick")</script>');
    // A PNG/HTML polyglot: real PNG bytes with markup after the image's end.
    await writeFile(path.join(dir, 'media', 'poly.html'), Buffer.concat([png, Buffer.from('<script>alert(1)</script>')]));
    await writeFile(path.join(dir, 'media', 'poly.svg'), '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    await writeFile(path.join(dir, 'media', 'page.png'), '<!doctype html><script>alert(1)</script>');
    await writeFile(path.join(dir, 'media', 'png.jpg'), png);
    for (const p of ['/keyframes/a_2.html', '/media/poly.html', '/media/poly.svg', '/media/page.png', '/media/png.jpg', '/media/', '/media']) {
      const res = await raw(p);
      expect(res.status, p).toBe(404);
      expect(res.headers['content-type'], p).toBe('text/plain; charset=utf-8');
      expect(res.body, p).not.toContain('<script>');
    }
  });

  it('follows no link inside its folder, and a FIFO never hangs it', async () => {
    const dir = path.join(tmp, 'gallery');
    const outside = path.join(tmp, 'outside');
    await mkdir(outside, { recursive: true });
    await writeFile(path.join(outside, 'b.png'), await makeImage({ format: 'png' }));
    await symlink(path.join(outside, 'b.png'), path.join(dir, 'media', 'out.png'));
    await symlink(path.join(dir, 'media', 'a.png'), path.join(dir, 'media', 'in.png'));
    await symlink(outside, path.join(dir, 'linked'));
    execFileSync('mkfifo', [path.join(dir, 'media', 'fifo.png')]);
    for (const p of ['/media/out.png', '/media/in.png', '/linked/b.png', '/media/fifo.png']) expect((await raw(p)).status, p).toBe(404);
    expect((await raw('/media/a.png')).status).toBe(200);
  });

  it('says nosniff on every answer', async () => {
    const answers = [await raw('/'), await raw('/media/a.png'), await raw('/nothing.png'), await raw('/', { Host: 'evil.example' }), await raw(PICK_PATH)];
    for (const a of answers) expect(a.headers['x-content-type-options']).toBe('nosniff');
    const events = await fetch(new URL(EVENTS_PATH, server.url));
    expect(events.headers.get('x-content-type-options')).toBe('nosniff');
    await events.body!.cancel();
  });

  it('never serves files outside its folder', async () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/media/..%2f..%2fsecret.txt', '/..\\secret.txt']) {
      const res = await raw(p);
      expect(res.body).not.toContain('outside the gallery');
      expect([400, 403, 404]).toContain(res.status);
    }
    expect((await raw('/missing.png')).status).toBe(404);
    expect((await raw('/%E0%A4%A')).status).toBe(400);
  });

  it('tells pages which nodes are being built, in what state and for how long; a page opened mid-build learns it at once', async () => {
    const open = async () => {
      const reader = (await fetch(new URL(EVENTS_PATH, server.url))).body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      const until = async (what: string) => {
        while (!text.includes(what)) text += decoder.decode((await reader.read()).value);
        return text;
      };
      await until(': connected');
      return { reader, until };
    };
    const first = await open();
    server.track({ type: 'node:start', node: 'seg', provider: 'google', model: 'veo-3.0-generate-001', attempt: 1 });
    server.track({ type: 'node:progress', node: 'seg', progress: { state: 'running' } });
    const seen = await first.until('"state":"running"');
    expect(seen).toMatch(/event: activity\ndata: \{"node":"seg","state":"starting","elapsedMs":\d+\}\n\n/);
    const late = await open();
    expect(await late.until('event: activity')).toMatch(/data: \{"node":"seg","state":"running","elapsedMs":\d+\}/);
    server.track({ type: 'node:done', node: 'seg', outcome: 'built', costUsd: 3.2, durationMs: 95_000, outputs: [] });
    expect(await first.until('{"node":"seg"}')).toContain('event: activity\ndata: {"node":"seg"}\n\n');
    await first.reader.cancel();
    await late.reader.cancel();
    // Nothing is being built now: a new page is told nothing.
    const after = (await fetch(new URL(EVENTS_PATH, server.url))).body!.getReader();
    expect(new TextDecoder().decode((await after.read()).value)).toBe(': connected\n\n');
    await after.cancel();
  });

  it('pushes a reload event to connected pages', async () => {
    const res = await fetch(new URL(EVENTS_PATH, server.url));
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value);
    expect(text).toContain(': connected');
    server.reload();
    while (!text.includes('event: reload')) text += decoder.decode((await reader.read()).value);
    expect(text).toContain('event: reload\ndata: {}\n\n');
    await reader.cancel();
  });

  it('answers only requests addressed to 127.0.0.1 or localhost (DNS rebinding)', async () => {
    const port = new URL(server.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'localhost', `LOCALHOST:${port}`]) {
      expect((await raw('/', { Host: host })).status, host).toBe(200);
    }
    for (const host of [`evil.example:${port}`, `127.0.0.1.evil.example:${port}`, `localhost:${Number(port) + 1}`, '[::1]', `127.0.0.1:${port}@evil.example`]) {
      const res = await raw('/', { Host: host });
      expect(res.status, host).toBe(403);
      expect(res.body).toContain('is not this machine');
      expect(res.body).not.toContain('<h1>');
    }
    expect((await raw('/', {}, { setHost: false })).status).toBe(400); // Node refuses HTTP/1.1 without Host
    expect((await raw('/media/clip.mp4', { Host: 'evil.example' })).status).toBe(403);
    expect((await raw(EVENTS_PATH, { Host: 'evil.example' })).status).toBe(403);
  });

  it('keeps the page from being framed by another site, and lets it run only its own scripts', async () => {
    const res = await fetch(server.url);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
    const scripts = /script-src ([^;]+)/.exec(csp)![1]!.split(' ');
    expect(scripts).toHaveLength(2);
    for (const s of scripts) expect(s).toMatch(/^'sha256-[A-Za-z0-9+/]{43}='$/);
    expect((await raw('/index.html')).headers['content-security-policy']).toBe(csp);
  });
});

describe('choosing a take through the server', () => {
  const file = () => path.join(projectDir, 'aivp.project.yaml');
  const origin = () => server.url.replace(/\/$/, '');
  const host = () => new URL(server.url).host;
  const body = (extra: Record<string, unknown> = {}) => JSON.stringify({ node: 's1', pick: 2, hash: projectHash(PICK_YAML), ...extra });
  const post = async (headers: Record<string, string>, payload = body()) =>
    raw(PICK_PATH, { Host: host(), Origin: origin(), 'Content-Type': 'application/json', 'X-Aivp-Token': await token(), ...headers }, { method: 'POST', body: payload });

  beforeAll(async () => {
    await writeFile(file(), PICK_YAML);
  });

  it.each([
    ['a wrong token', { 'X-Aivp-Token': 'f'.repeat(48) }, undefined, 403, 'session token'],
    ['no token', { 'X-Aivp-Token': '' }, undefined, 403, 'session token'],
    ['another origin', { Origin: 'http://evil.example' }, undefined, 403, 'only be chosen from this gallery page'],
    ['no origin', { Origin: '' }, undefined, 403, 'only be chosen from this gallery page'],
    ['a cross-site fetch', { 'Sec-Fetch-Site': 'cross-site' }, undefined, 403, 'only be chosen from this gallery page'],
    ['a wrong Host', { Host: 'evil.example' }, undefined, 403, 'is not this machine'],
    ['a form post', { 'Content-Type': 'application/x-www-form-urlencoded' }, undefined, 415, 'application/json'],
    ['an out-of-range pick', {}, body({ pick: 9 }), 422, 'pick must be 1 to 3'],
    ['another field', {}, JSON.stringify({ node: 's1', prompt: 'pwned', hash: projectHash(PICK_YAML) }), 400, 'only `pick` can be changed'],
    ['an extra field', {}, body({ model: 'fal-ai/flux/pro' }), 400, 'only `pick` can be changed'],
    ['a stale file hash', {}, body({ hash: projectHash('aivp: 1\n') }), 409, 'reload the page'],
    ['not JSON', {}, 'pick=2', 400, 'not JSON'],
    ['a huge body', {}, body({ node: 'x'.repeat(10_000) }), 413, 'too large'],
  ])('refuses %s and leaves the file untouched', async (_what, headers, payload, status, message) => {
    const res = await post(headers as Record<string, string>, payload);
    expect(res.status).toBe(status);
    expect(res.body).toContain(message);
    expect(await readFile(file(), 'utf8')).toBe(PICK_YAML);
  });

  it('refuses a GET', async () => {
    expect((await raw(PICK_PATH)).status).toBe(405);
  });

  it('writes the pick for a request from its own page', async () => {
    const res = await post({});
    expect(res).toMatchObject({ status: 200, body: 's1: pick: 2 written to aivp.project.yaml' });
    expect(await readFile(file(), 'utf8')).toBe(PICK_YAML.replace('    num_images: 3\n', '    num_images: 3\n    pick: 2\n'));
    // The page's hash is now stale: a second choice from it is refused.
    expect((await post({}, body({ pick: 3 }))).status).toBe(409);
  });
});

describe('a pick whose body never finishes', () => {
  it('times out and holds up no later pick', async () => {
    const dir = path.join(tmp, 'gallery');
    const seen: number[] = [];
    const slow = await serveGallery({ dir, bodyTimeoutMs: 500, onPick: async (req) => (seen.push(req.pick), { status: 200, message: 'ok' }) });
    try {
      const { hostname, port, host, origin } = new URL(slow.url);
      const html = await (await fetch(slow.url)).text();
      const tok = /<meta name="aivp-session" content="([0-9a-f]+)"/.exec(html)![1]!;
      const headers = { Host: host, Origin: origin, 'Content-Type': 'application/json', 'X-Aivp-Token': tok };
      const t0 = Date.now();
      const stalled = new Promise<number>((resolve, reject) => {
        const req = request({ hostname, port, path: PICK_PATH, method: 'POST', headers: { ...headers, 'Content-Length': '100' } }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on('error', reject);
        req.write('{"node":');
      });
      const body = JSON.stringify({ node: 's1', pick: 2, hash: projectHash(PICK_YAML) });
      const next = await fetch(new URL(PICK_PATH, slow.url), { method: 'POST', headers, body });
      expect(next.status).toBe(200);
      expect(Date.now() - t0).toBeLessThan(400);
      expect(seen).toEqual([2]);
      expect(await stalled).toBe(408);
      expect(Date.now() - t0).toBeLessThan(3000);
    } finally {
      await slow.close();
    }
  });
});

describe('a server without picks', () => {
  it('offers no choice', async () => {
    const plain = await serveGallery({ dir: path.join(tmp, 'gallery') });
    try {
      const html = await (await fetch(plain.url)).text();
      expect(html).toMatch(/<meta name="aivp-session" content="[0-9a-f]{48}"><script>/);
      const res = await fetch(new URL(PICK_PATH, plain.url), { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
      expect(res.status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});
