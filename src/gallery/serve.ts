// `aivp watch --serve`: serves the gallery folder on loopback and pushes a reload to open pages
// over server-sent events after each rebuild. The reload script is injected into HTML responses
// only, so the built gallery on disk stays script-free.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { mediaTypeOf } from '../media/media-types.js';

export interface ServeOptions {
  dir: string;
  /** 0 or undefined: any free port. */
  port?: number;
  /** Default 127.0.0.1: the gallery is never exposed beyond this machine unless asked. */
  host?: string;
}

export interface GalleryServer {
  url: string;
  /** Tells every open page to reload. */
  reload(): void;
  close(): Promise<void>;
}

export const EVENTS_PATH = '/__aivp/events';

const RELOAD_SCRIPT = `<script>new EventSource(${JSON.stringify(EVENTS_PATH)}).addEventListener("reload",()=>location.reload())</script>`;

/** The page's own text types; images and video by the shared table. */
const TEXT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

export async function serveGallery(opts: ServeOptions): Promise<GalleryServer> {
  const root = path.resolve(opts.dir);
  const host = opts.host ?? '127.0.0.1';
  const clients = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    const pathname = safePathname(req.url);
    if (pathname === EVENTS_PATH) return openEvents(res, clients);
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'method not allowed');
    serveFile(root, pathname, req, res).catch(() => {
      if (!res.headersSent) plain(res, 500, 'internal error');
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}/`,
    reload() {
      for (const res of clients) res.write('event: reload\ndata: {}\n\n');
    },
    close() {
      for (const res of clients) res.end();
      clients.clear();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function openEvents(res: ServerResponse, clients: Set<ServerResponse>): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
  });
  res.write(': connected\n\n');
  clients.add(res);
  res.on('close', () => clients.delete(res));
}

/** The decoded path, or undefined when the URL is malformed. */
function safePathname(url: string | undefined): string | undefined {
  try {
    return decodeURIComponent(new URL(url ?? '/', 'http://x').pathname);
  } catch {
    return undefined;
  }
}

async function serveFile(root: string, pathname: string | undefined, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (pathname === undefined || pathname.includes('\0')) return plain(res, 400, 'bad request');
  let file = path.resolve(root, `.${pathname}`);
  if (file !== root && !file.startsWith(root + path.sep)) return plain(res, 403, 'forbidden');
  let info = await stat(file).catch(() => undefined);
  if (info?.isDirectory()) {
    file = path.join(file, 'index.html');
    info = await stat(file).catch(() => undefined);
  }
  if (!info?.isFile()) return plain(res, 404, 'not found');

  const type = TEXT_TYPES[path.extname(file).toLowerCase()] ?? mediaTypeOf(file);
  const headers = { 'Content-Type': type, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' };
  if (type.startsWith('text/html')) {
    const html = injectReload(await readFile(file, 'utf8'));
    res.writeHead(200, { ...headers, 'Content-Length': Buffer.byteLength(html) });
    res.end(req.method === 'HEAD' ? undefined : html);
    return;
  }
  const range = parseRange(req.headers.range, info.size);
  if (range === 'invalid') {
    res.writeHead(416, { 'Content-Range': `bytes */${info.size}` });
    res.end();
    return;
  }
  const [start, end] = range ?? [0, info.size - 1];
  res.writeHead(range ? 206 : 200, {
    ...headers,
    'Accept-Ranges': 'bytes',
    'Content-Length': end - start + 1,
    ...(range ? { 'Content-Range': `bytes ${start}-${end}/${info.size}` } : {}),
  });
  if (req.method === 'HEAD' || info.size === 0) {
    res.end();
    return;
  }
  createReadStream(file, { start, end }).on('error', () => res.destroy()).pipe(res);
}

function injectReload(html: string): string {
  const at = html.lastIndexOf('</body>');
  return at < 0 ? html + RELOAD_SCRIPT : html.slice(0, at) + RELOAD_SCRIPT + html.slice(at);
}

/** A single `bytes=` range (what browsers send for media); multi-range requests get the whole file. */
function parseRange(header: string | undefined, size: number): [number, number] | 'invalid' | undefined {
  const m = header?.match(/^bytes=(\d*)-(\d*)$/);
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  const [start, end] =
    m[1] === '' ? [Math.max(0, size - Number(m[2])), size - 1] : [Number(m[1]), m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)];
  return start > end || start >= size ? 'invalid' : [start, end];
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}
