import { request } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS_PATH, serveGallery, type GalleryServer } from '../../src/gallery/serve.js';

let tmp: string;
let server: GalleryServer;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'aivp-serve-'));
  const dir = path.join(tmp, 'gallery');
  await mkdir(path.join(dir, 'media'), { recursive: true });
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><html><body><h1>hi</h1></body></html>');
  await writeFile(path.join(dir, 'media', 'clip.mp4'), Buffer.from('0123456789'));
  for (const ext of ['webp', 'png', 'jpg', 'webm']) await writeFile(path.join(dir, 'media', `a.${ext}`), 'x');
  await writeFile(path.join(tmp, 'secret.txt'), 'outside the gallery');
  server = await serveGallery({ dir });
});

afterAll(async () => {
  await server.close();
  await rm(tmp, { recursive: true, force: true });
});

/** A raw request, so the path reaches the server exactly as written (fetch would normalise `..`). */
function raw(pathname: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path: pathname, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
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
    expect(body).toMatch(new RegExp(`<script>new EventSource\\("${EVENTS_PATH}"\\).*</script></body>`));
  });

  it.each([
    ['webp', 'image/webp'],
    ['png', 'image/png'],
    ['jpg', 'image/jpeg'],
    ['webm', 'video/webm'],
    ['mp4', 'video/mp4'],
  ])('serves .%s as %s', async (ext, type) => {
    const res = await fetch(new URL(ext === 'mp4' ? 'media/clip.mp4' : `media/a.${ext}`, server.url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(type);
  });

  it('answers byte ranges, as video elements ask', async () => {
    const res = await fetch(new URL('media/clip.mp4', server.url), { headers: { Range: 'bytes=2-5' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe('bytes 2-5/10');
    expect(await res.text()).toBe('2345');
    const bad = await fetch(new URL('media/clip.mp4', server.url), { headers: { Range: 'bytes=20-' } });
    expect(bad.status).toBe(416);
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
});
