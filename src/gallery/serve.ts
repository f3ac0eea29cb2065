// `aivp watch --serve`: serves the gallery folder on 127.0.0.1, pushes a reload to open pages
// over server-sent events after each rebuild, and takes "use this take" requests. The page is
// index.html alone, with the live script and the session token injected (so the gallery on disk
// stays button-free) and a Content-Security-Policy that runs only the page's own two scripts;
// every other file is media, sent with the type of its bytes (serve-file.ts). Every request must
// name this machine in `Host` (a DNS-rebinding page names its own domain); an edit must also come
// from the page's own origin with the token.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { BuildEvent } from '../engine/events.js';
import { html } from './markup.js';
import { pageFile, type PageFile } from './page-files.js';
import { parsePickRequest, type PickRequest, type PickResult } from './pick.js';
import { openInside, sendFile, servedType } from './serve-file.js';

export interface ServeOptions {
  dir: string;
  /** 0 or undefined: any free port. */
  port?: number;
  /** Applies a take chosen on the page; without it the page offers no choice. */
  onPick?(req: PickRequest): Promise<PickResult>;
  /** How long a pick request may take to send its body (default BODY_MS). */
  bodyTimeoutMs?: number;
}

export interface GalleryServer {
  url: string;
  /** Tells every open page to reload. */
  reload(): void;
  /** Passes a build event on: open pages show each node being built, with its state and time so far. */
  track(event: BuildEvent): void;
  close(): Promise<void>;
}

/** What a page is told about a node being built; `state` undefined: it is no longer being built. */
export interface Activity {
  node: string;
  state?: 'starting' | 'submitting' | 'queued' | 'running' | 'downloading' | 'retrying';
  queuePosition?: number;
  /** Time since the node started, as the server counts it (the page's clock may differ). */
  elapsedMs?: number;
}

export const EVENTS_PATH = '/__aivp/events';
export const PICK_PATH = '/__aivp/pick';
export const TOKEN_HEADER = 'x-aivp-token';

const HOST = '127.0.0.1';
const HOSTNAMES = new Set([HOST, 'localhost']);
/** A pick request is a few dozen bytes; anything much larger is not one. */
const MAX_BODY = 4096;
/** A page sends its few dozen bytes at once; a body still unfinished after this never will be. */
const BODY_MS = 10_000;
/** The page: ~1 KB per node, so 16 MiB is thousands of nodes past any storyboard. */
const MAX_PAGE = 16 * 1024 * 1024;
/** The page's own inline scripts: the only ones its policy lets run (by hash, whatever else the file holds). */
const PAGE_SCRIPTS: PageFile[] = ['seek.js', 'live.js'];

function pageHeaders(): Record<string, string> {
  const hashes = PAGE_SCRIPTS.map((f) => `'sha256-${createHash('sha256').update(pageFile(f).toString()).digest('base64')}'`);
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    // No other site may frame the page and steer clicks onto its buttons.
    'X-Frame-Options': 'DENY',
    // Styles stay inline (the page's sheet and each frame's aspect ratio); nothing else runs or loads from elsewhere.
    'Content-Security-Policy': [
      "default-src 'none'", `script-src ${hashes.join(' ')}`, "style-src 'unsafe-inline'", "img-src 'self'", "media-src 'self'",
      "connect-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
    ].join('; '),
  };
}

export async function serveGallery(opts: ServeOptions): Promise<GalleryServer> {
  const root = path.resolve(opts.dir);
  const clients = new Set<ServerResponse>();
  const token = randomBytes(24).toString('hex');
  let port = 0;
  const pick = new PickDesk(token, opts.onPick, opts.bodyTimeoutMs ?? BODY_MS);
  const activity = new ActivityBoard();
  const headers = pageHeaders();

  const server = createServer((req, res) => {
    const host = allowedHost(req.headers.host, port);
    if (!host) return plain(res, 403, `refused: Host ${JSON.stringify(req.headers.host ?? '').slice(0, 80)} is not this machine (open ${HOST}:${port} or localhost:${port})`);
    const pathname = safePathname(req.url);
    if (pathname === undefined || pathname.includes('\0')) return plain(res, 400, 'bad request');
    if (pathname === EVENTS_PATH) return openEvents(res, clients, activity.now());
    if (pathname === PICK_PATH) {
      pick.handle(req, res, host).catch(() => {
        if (!res.headersSent) plain(res, 500, 'internal error');
      });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'method not allowed');
    // Browsers ask for it unprompted; the storyboard has none, and a 404 would show as an error.
    if (pathname === '/favicon.ico') return void res.writeHead(204, { 'Cache-Control': 'max-age=86400' }).end();
    const page = pathname === '/' || pathname === '/index.html';
    serveFile(root, page ? '/index.html' : pathname, req, res, page ? { token, live: !!opts.onPick, headers } : undefined).catch(() => {
      if (!res.headersSent) plain(res, 404, 'not found');
    });
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
    track(event) {
      for (const a of activity.apply(event)) for (const res of clients) res.write(activityMessage(a));
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

/** index.html as the page (`page` given), else a media file with the type of its bytes; 404 for anything else. */
async function serveFile(
  root: string,
  pathname: string,
  req: IncomingMessage,
  res: ServerResponse,
  page: { token: string; live: boolean; headers: Record<string, string> } | undefined,
): Promise<void> {
  const file = await openInside(root, pathname);
  if (!file) return plain(res, 404, 'not found');
  if (!page) {
    const type = await servedType(file.fh, pathname).catch(() => undefined);
    if (type) return sendFile(req, res, file, type);
    await file.fh.close();
    return plain(res, 404, 'not found: the gallery serves its page and media only');
  }
  try {
    if (file.size > MAX_PAGE) return plain(res, 404, 'not found');
    const body = inject(await file.fh.readFile('utf8'), page.token, page.live);
    res.writeHead(200, { ...page.headers, 'Content-Length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  } finally {
    await file.fh.close();
  }
}

/** The reload channel always; the take buttons only when this server applies picks. */
function inject(page: string, token: string, live: boolean): string {
  const tag = html`<meta name="aivp-session" content="${token}"${live ? html` data-picks` : ''}><script>${pageFile('live.js')}</script>`.toString();
  const at = page.lastIndexOf('</body>');
  return at < 0 ? page + tag : page.slice(0, at) + tag + page.slice(at);
}

/**
 * Pick requests: each read and checked on its own (a body that never finishes times out and holds
 * up nothing), then applied one at a time, so the second of two quick clicks sees the first one's
 * file (409).
 */
class PickDesk {
  private applying: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly token: string,
    private readonly onPick: ServeOptions['onPick'],
    private readonly bodyMs: number,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, host: string): Promise<void> {
    const { onPick, token } = this;
    if (!onPick) return plain(res, 404, 'not found');
    if (req.method !== 'POST') return plain(res, 405, 'method not allowed: POST a pick');
    const fetchSite = req.headers['sec-fetch-site'];
    if (req.headers.origin !== `http://${host}` || (fetchSite !== undefined && fetchSite !== 'same-origin')) {
      return plain(res, 403, 'refused: a take can only be chosen from this gallery page');
    }
    if (!sameToken(req.headers[TOKEN_HEADER], token)) return plain(res, 403, 'refused: wrong or missing session token (reload the page)');
    if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) return plain(res, 415, 'send the pick as application/json');
    const body = await readBody(req, this.bodyMs);
    if (typeof body !== 'string') {
      // The rest of the body is not read: the connection closes once the answer is out.
      res.setHeader('Connection', 'close');
      res.on('finish', () => req.destroy());
      return plain(res, body.refused, body.refused === 413 ? 'request too large' : 'the request did not arrive in time');
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return plain(res, 400, 'the body is not JSON');
    }
    const parsed = parsePickRequest(json);
    if (typeof parsed === 'string') return plain(res, 400, parsed);
    const run = this.applying.then(() => onPick(parsed));
    this.applying = run.catch(() => undefined);
    const result = await run;
    plain(res, result.status, result.message);
  }
}

function sameToken(sent: string | string[] | undefined, token: string): boolean {
  if (typeof sent !== 'string' || sent.length !== token.length) return false;
  return timingSafeEqual(Buffer.from(sent), Buffer.from(token));
}

/** The body as text, or refused: 413 past MAX_BODY, 408 when it has not ended within `ms`. */
function readBody(req: IncomingMessage, ms: number): Promise<string | { refused: 408 | 413 }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => resolve({ refused: 408 }), ms);
    const done = (v: string | { refused: 413 }) => {
      clearTimeout(timer);
      resolve(v);
    };
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
      else done({ refused: 413 });
    });
    req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** The nodes being built now, from the build's events: a page opened mid-build is told them at once. */
class ActivityBoard {
  private readonly running = new Map<string, { state: NonNullable<Activity['state']>; queuePosition?: number; since: number }>();

  /** What changed for the pages. */
  apply(e: BuildEvent): Activity[] {
    const set = (node: string, state: NonNullable<Activity['state']>, queuePosition?: number): Activity[] => {
      const since = this.running.get(node)?.since ?? Date.now();
      this.running.set(node, { state, queuePosition, since });
      return [{ node, state, queuePosition, elapsedMs: Date.now() - since }];
    };
    switch (e.type) {
      case 'node:start':
        return set(e.node, 'starting');
      case 'node:progress':
        return set(e.node, e.progress.state, e.progress.queuePosition);
      case 'node:retry':
        return set(e.node, 'retrying');
      case 'node:done':
      case 'node:failed':
      case 'node:skipped':
        return this.running.delete(e.node) ? [{ node: e.node }] : [];
      case 'build:done': {
        const ended = [...this.running.keys()].map((node) => ({ node }));
        this.running.clear();
        return ended;
      }
      default:
        return [];
    }
  }

  now(): Activity[] {
    return [...this.running].map(([node, r]) => ({ node, state: r.state, queuePosition: r.queuePosition, elapsedMs: Date.now() - r.since }));
  }
}

function activityMessage(a: Activity): string {
  return `event: activity\ndata: ${JSON.stringify(a)}\n\n`;
}

function openEvents(res: ServerResponse, clients: Set<ServerResponse>, running: Activity[]): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    Connection: 'keep-alive',
  });
  res.write(': connected\n\n');
  for (const a of running) res.write(activityMessage(a));
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

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
}
