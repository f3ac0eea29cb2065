// `.aivp/uploads.json`: content hash -> fal CDN URL, so each local image is uploaded once and
// generated outputs are passed downstream by URL instead of being uploaded again.
import { readState, StateFileError } from '../../base/read.js';
import { basename, join } from 'node:path';
import { writeFileAtomic } from '../../base/atomic.js';
import { LAYOUT } from '../../base/layout.js';
import { sendableImage } from '../input-image.js';

export interface UploadEntry {
  url: string;
  /** ISO time of the upload (or of the generation that produced the URL). */
  uploadedAt: string;
}

export type UploadCache = Record<string, UploadEntry>;

export interface LocalImage {
  /** For messages: the node name, or the path of a one-off's argument. */
  name: string;
  path: string;
  sha256: string;
  mediaType: string;
}

/**
 * fal's retention is an account setting, so aivp asks for this lifetime explicitly on every
 * upload and every generation (fal's `7d` lifecycle)...
 */
export const FAL_OBJECT_LIFETIME = '7d' as const;
/** ...and reuses a URL for a day less, so a URL handed to a queued job never expires mid-job. */
export const UPLOAD_REUSE_MS = 6 * 24 * 3600 * 1000;

export function uploadsPath(root: string): string {
  return join(root, LAYOUT.uploads);
}

export async function readUploads(root: string): Promise<UploadCache> {
  try {
    const parsed: unknown = JSON.parse(await readState(uploadsPath(root), 'uploads'));
    return parsed && typeof parsed === 'object' ? (parsed as UploadCache) : {};
  } catch (err) {
    // A missing or corrupt cache (or something else in its place) only costs re-uploads.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || err instanceof SyntaxError || err instanceof StateFileError) return {};
    throw err;
  }
}

/**
 * URLs remembered by this process, per cache file: known at once, before the file write that
 * rememberUrls leaves pending has landed. Outside a project (a one-off run anywhere: root
 * undefined) this is the only memory: nothing is written in the folder it runs from.
 */
const remembered = new Map<string, UploadCache>();
const memoryKey = (root: string | undefined) => (root === undefined ? '' : uploadsPath(root));

/** The cached URL for a hash while it is still safe to hand to fal. */
export async function cachedUrl(root: string | undefined, sha256: string, now = Date.now()): Promise<string | undefined> {
  const entry = remembered.get(memoryKey(root))?.[sha256] ?? (root === undefined ? undefined : (await readUploads(root))[sha256]);
  // The file is input like any other: only a web address is handed to fal (a `file:` or `data:`
  // entry written by someone else is not ours to send).
  if (!entry || typeof entry.url !== 'string' || !/^https?:\/\/[^/]/i.test(entry.url)) return undefined;
  const age = now - Date.parse(entry.uploadedAt);
  return age >= 0 && age < UPLOAD_REUSE_MS ? entry.url : undefined;
}

// Read-modify-write of the cache file is serialised per file within the process.
const writeQueues = new Map<string, Promise<void>>();

export function rememberUrls(root: string | undefined, entries: Record<string, string>, at = new Date()): Promise<void> {
  const known = remembered.get(memoryKey(root)) ?? {};
  for (const [sha, url] of Object.entries(entries)) known[sha] = { url, uploadedAt: at.toISOString() };
  remembered.set(memoryKey(root), known);
  if (root === undefined) return Promise.resolve();
  const file = uploadsPath(root);
  const prev = writeQueues.get(file) ?? Promise.resolve();
  const next = prev.then(async () => {
    const cache = await readUploads(root);
    for (const [sha, url] of Object.entries(entries)) cache[sha] = { url, uploadedAt: at.toISOString() };
    await writeFileAtomic(file, `${JSON.stringify(cache, null, 2)}\n`, { inside: root });
  });
  const settled = next.catch(() => undefined);
  writeQueues.set(file, settled);
  void settled.then(() => {
    if (writeQueues.get(file) === settled) writeQueues.delete(file);
  });
  return next;
}

export type UploadFn = (file: File) => Promise<string>;

/**
 * Returns a function giving the fal URL of a local image: from the cache when fresh, else
 * uploaded (concurrent requests for the same content share one upload).
 */
export function createUploader(root: string | undefined, upload: UploadFn): (img: LocalImage) => Promise<string> {
  const pending = new Map<string, Promise<string>>();
  return (img) => {
    const existing = pending.get(img.sha256);
    if (existing) return existing;
    const p = (async () => {
      // Checked even when a URL is cached: what the node hands fal must be an image now.
      const { bytes, mediaType } = await sendableImage(img);
      const hit = await cachedUrl(root, img.sha256);
      if (hit) return hit;
      // Read whole into a fresh buffer (never a shared one), as the File type wants.
      const url = await upload(new File([bytes as Uint8Array<ArrayBuffer>], basename(img.path), { type: mediaType }));
      await rememberUrls(root, { [img.sha256]: url });
      return url;
    })();
    pending.set(img.sha256, p);
    void p.then(
      () => pending.delete(img.sha256),
      () => pending.delete(img.sha256),
    );
    return p;
  };
}
