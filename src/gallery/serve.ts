// `aivp watch --serve`: serves the gallery folder on 127.0.0.1 through sirv, pushes a reload to
// open pages over server-sent events after each rebuild, and takes "use this take" requests.
// The live script and the session token are injected into HTML responses only, so the gallery
// on disk stays button-free. Every request must name this machine in `Host` (a DNS-rebinding
// page names its own domain); an edit must also come from the page's own origin with the token.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import sirv from 'sirv';
import { html } from './markup.js';
import { pageFile } from './page-files.js';
import { parsePickRequest, type PickRequest, type PickResult } from './pick.js';

export interface ServeOptions {
  dir: string;
  /** 0 or undefined: any free port. */
  port?: number;
  /** Applies a take chosen on the page; without it the page offers no choice. */
  onPick?(req: PickRequest): Promise<PickResult>;
}

export interface GalleryServer {
  url: string;
  /** Tells every open page to reload. */
  reload(): void;
  close(): Promise<void>;
}

export const EVENTS_PATH = '/__aivp/events';
export const PICK_PATH = '/__aivp/pick';
export const TOKEN_HEADER = 'x-aivp-token';

const HOST = '127.0.0.1';
const HOSTNAMES = new Set([HOST, 'localhost']);
/** A pick request is a few dozen bytes; anything much larger is not one. */
const MAX_BODY = 4096;

const HTML_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-cache',
  'X-Content-Type-Options': 'nosniff',
  // No other site may frame the page and steer clicks onto its buttons.
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "frame-ancestors 'none'",
};

export async function serveGallery(opts: ServeOptions): Promise<GalleryServer> {
  const root = path.resolve(opts.dir);
  const clients = new Set<ServerResponse>();
  const token = randomBytes(24).toString('hex');
  let port = 0;
  // One edit at a time: the second of two quick clicks sees the first one's file (409).
  let picking: Promise<unknown> = Promise.resolve();
  const files = sirv(root, {
    dev: true, // the gallery is rewritten after each build: look files up per request
    etag: true,
    extensions: [],
    setHeaders: (res) => res.setHeader('X-Content-Type-Options', 'nosniff'),
  });

  const server = createServer((req, res) => {
    const host = allowedHost(req.headers.host, port);
    if (!host) return plain(res, 403, `refused: Host ${JSON.stringify(req.headers.host ?? '').slice(0, 80)} is not this machine (open ${HOST}:${port} or localhost:${port})`);
    const pathname = safePathname(req.url);
    if (pathname === undefined || pathname.includes('\0')) return plain(res, 400, 'bad request');
    if (pathname === EVENTS_PATH) return openEvents(res, clients);
    if (pathname === PICK_PATH) {
      const run = picking.then(() => handlePick(req, res, host, token, opts.onPick));
      picking = run.catch(() => {
        if (!res.headersSent) plain(res, 500, 'internal error');
      });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'method not allowed');
    const file = path.resolve(root, `.${pathname}`);
    if (file !== root && !file.startsWith(root + path.sep)) return plain(res, 403, 'forbidden');
    if (pathname === '/' || pathname.endsWith('.html')) {
      servePage(file === root ? path.join(root, 'index.html') : file, req, res, token, !!opts.onPick).catch(() => plain(res, 404, 'not found'));
      return;
    }
    dropOddRange(req);
    files(req, res, () => plain(res, 404, 'not found'));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${HOST}:${port}/`,
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

/** The Host header when it is 127.0.0.1 or localhost, on this port or none. */
function allowedHost(header: string | undefined, port: number): string | undefined {
  const m = header?.match(/^([^:]+)(?::(\d+))?$/);
  if (!m || !HOSTNAMES.has(m[1]!.toLowerCase())) return undefined;
  return m[2] === undefined || Number(m[2]) === port ? header : undefined;
}

async function servePage(file: string, req: IncomingMessage, res: ServerResponse, token: string, live: boolean): Promise<void> {
  const body = inject(await readFile(file, 'utf8'), token, live);
  res.writeHead(200, { ...HTML_HEADERS, 'Content-Length': Buffer.byteLength(body) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** The reload channel always; the take buttons only when this server applies picks. */
function inject(page: string, token: string, live: boolean): string {
  const tag = html`<meta name="aivp-session" content="${token}"${live ? html` data-picks` : ''}><script>${pageFile('live.js')}</script>`.toString();
  const at = page.lastIndexOf('</body>');
  return at < 0 ? page + tag : page.slice(0, at) + tag + page.slice(at);
}

async function handlePick(
  req: IncomingMessage,
  res: ServerResponse,
  host: string,
  token: string,
  onPick: ServeOptions['onPick'],
): Promise<void> {
  if (!onPick) return plain(res, 404, 'not found');
  if (req.method !== 'POST') return plain(res, 405, 'method not allowed: POST a pick');
  const fetchSite = req.headers['sec-fetch-site'];
  if (req.headers.origin !== `http://${host}` || (fetchSite !== undefined && fetchSite !== 'same-origin')) {
    return plain(res, 403, 'refused: a take can only be chosen from this gallery page');
  }
  if (!sameToken(req.headers[TOKEN_HEADER], token)) return plain(res, 403, 'refused: wrong or missing session token (reload the page)');
  if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) return plain(res, 415, 'send the pick as application/json');
  const body = await readBody(req);
  if (body === undefined) {
    res.setHeader('Connection', 'close');
    return plain(res, 413, 'request too large');
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return plain(res, 400, 'the body is not JSON');
  }
  const parsed = parsePickRequest(json);
  if (typeof parsed === 'string') return plain(res, 400, parsed);
  const result = await onPick(parsed);
  plain(res, result.status, result.message);
}

function sameToken(sent: string | string[] | undefined, token: string): boolean {
  if (typeof sent !== 'string' || sent.length !== token.length) return false;
  return timingSafeEqual(Buffer.from(sent), Buffer.from(token));
}

/** The body as text, or undefined when it exceeds MAX_BODY. */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
      else resolve(undefined);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
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

/**
 * sirv reads one `bytes=a-b` or `bytes=a-` range; any other form (several ranges, a suffix
 * `bytes=-n`, start after end) it would misread, and the whole file is a valid answer to those.
 */
function dropOddRange(req: IncomingMessage): void {
  const m = req.headers.range === undefined ? undefined : /^bytes=(\d+)-(\d*)$/.exec(req.headers.range);
  if (req.headers.range !== undefined && (!m || (m[2] !== '' && Number(m[2]) < Number(m[1])))) delete req.headers.range;
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
}
