// The gallery folder's files as the live server sends them. The folder holds copies of outputs a
// record or a team manifest named, so its files are input: each is opened without following any
// link below the folder, must be a regular file, and is sent only when its bytes are the media
// its name says (image, video, audio, or WebVTT subtitles), with the type of those bytes. A take
// named `a_2.html`, or a PNG/HTML polyglot named so, is not served at all.
import { constants } from 'node:fs';
import { lstat, open, realpath, type FileHandle } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { sniffMedia } from '../media/probe.js';

/** What the page may load, by extension: the type the bytes must have. */
const SERVED: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.m4a': 'audio/mp4',
  '.mp3': 'audio/mpeg',
  '.aac': 'audio/aac',
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
  '.flac': 'audio/flac',
  '.vtt': 'text/vtt',
};
/** Enough for every signature sniffMedia and soundOrText read. */
const HEAD_BYTES = 64;

/**
 * The file at `rel` (a decoded URL path) under `root`, opened read-only when no part of the path
 * below `root` is a link and it is a regular file; undefined otherwise.
 */
export async function openInside(root: string, rel: string): Promise<{ fh: FileHandle; size: number } | undefined> {
  const parts = rel.split('/').filter((p) => p !== '');
  if (parts.some((p) => p === '.' || p === '..' || p.includes('\\'))) return undefined;
  let at = await realpath(root).catch(() => undefined);
  if (at === undefined) return undefined;
  for (const part of parts) {
    at = path.join(at, part);
    const st = await lstat(at).catch(() => undefined);
    if (!st || st.isSymbolicLink()) return undefined;
  }
  // O_NOFOLLOW: a link swapped in after the check is refused too; O_NONBLOCK: a FIFO never hangs the open.
  const fh = await open(at, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => undefined);
  if (!fh) return undefined;
  const st = await fh.stat();
  if (!st.isFile()) {
    await fh.close();
    return undefined;
  }
  return { fh, size: st.size };
}

/** The type to send the file as, or undefined when its bytes are not the media its extension names. */
export async function servedType(fh: FileHandle, name: string): Promise<string | undefined> {
  const named = SERVED[path.extname(name).toLowerCase()];
  if (!named) return undefined;
  const head = Buffer.alloc(HEAD_BYTES);
  const { bytesRead } = await fh.read(head, 0, HEAD_BYTES, 0);
  const bytes = head.subarray(0, bytesRead);
  const sniffed = sniffMedia(bytes)?.mediaType ?? soundOrText(bytes);
  // An .m4a is an MP4 container holding sound.
  const same = sniffed === named || (named === 'audio/mp4' && sniffed === 'video/mp4');
  return same ? named : undefined;
}

/** Sends the opened file with its type: whole, or the one `bytes=a-b` range a video element asks for. */
export function sendFile(req: IncomingMessage, res: ServerResponse, file: { fh: FileHandle; size: number }, type: string): void {
  const { fh, size } = file;
  const headers: Record<string, string | number> = {
    'Content-Type': type, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache', 'Accept-Ranges': 'bytes',
  };
  const range = rangeOf(req.headers.range, size);
  if (range === 'unsatisfiable') {
    void fh.close();
    res.writeHead(416, { ...headers, 'Content-Range': `bytes */${size}` });
    return void res.end();
  }
  const [start, end] = range ?? [0, size - 1];
  if (range) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
  res.writeHead(range ? 206 : 200, { ...headers, 'Content-Length': Math.max(0, end - start + 1) });
  if (req.method === 'HEAD' || size === 0) {
    void fh.close();
    return void res.end();
  }
  const stream = fh.createReadStream({ start, end });
  stream.on('error', () => res.destroy());
  res.on('close', () => stream.destroy());
  stream.pipe(res);
}

/**
 * One `bytes=a-b` or `bytes=a-` range; any other form (several ranges, a suffix `bytes=-n`,
 * start after end) is answered with the whole file, which is a valid answer to those.
 */
function rangeOf(header: string | undefined, size: number): [number, number] | 'unsatisfiable' | undefined {
  const m = header === undefined ? undefined : /^bytes=(\d+)-(\d*)$/.exec(header);
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return undefined;
  return start >= size ? 'unsatisfiable' : [start, end];
}

/** Sound and subtitles by their first bytes (sniffMedia knows images and video). */
function soundOrText(b: Buffer): string | undefined {
  const at = (offset: number, sig: string) => b.length >= offset + sig.length && b.toString('latin1', offset, offset + sig.length) === sig;
  if (at(0, 'WEBVTT') || at(0, '\xef\xbb\xbfWEBVTT')) return 'text/vtt';
  if (at(0, 'ID3')) return 'audio/mpeg';
  if (b.length >= 2 && b[0] === 0xff && (b[1]! & 0xf6) === 0xf0) return 'audio/aac';
  if (b.length >= 2 && b[0] === 0xff && (b[1]! & 0xe0) === 0xe0) return 'audio/mpeg';
  if (at(0, 'RIFF') && at(8, 'WAVE')) return 'audio/wav';
  if (at(0, 'OggS')) return 'audio/ogg';
  if (at(0, 'fLaC')) return 'audio/flac';
  return undefined;
}
