// Makes the gallery folder self-contained: every file it shows is copied to
// `media/<sha256>.<ext>` and, when sharp can read it, gets a `thumbs/<sha256>.webp`.
// Names are content hashes, so a rebuild reuses whatever is already there.
import { access, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { writeFileAtomic } from '../base/atomic.js';
import { checkFolder, makeFolder } from '../base/inside.js';
import { readMedia } from '../base/read.js';
import { sha256Bytes } from '../media/hash.js';
import { mediaTypeOf } from '../media/media-types.js';
import { isoDurationSec } from '../media/probe.js';

export interface Asset {
  /** Relative to the gallery folder, with `/` separators. */
  media: string;
  thumb?: string;
  mediaType: string;
  width?: number;
  height?: number;
  /** A clip's real length in seconds: an MP4's or MOV's movie header, an animated image's frame delays. */
  durationSec?: number;
}

/** A file to show: `id` names it in the result, `ext` (with the dot) gives the copy its type. */
export interface AssetSource {
  id: string;
  /** Absolute. */
  file: string;
  ext: string;
  /** A source file the project names, which may be a link the loader checked; anything else that is a link is left out. */
  source?: boolean;
}

const THUMB_SIZE = 640;
const CONCURRENCY = 4;

/**
 * Copies each existing file into `outDir`, by id; files that do not exist are left out of the
 * result, which is how the gallery learns an output is missing.
 */
export async function collectAssets(sources: Iterable<AssetSource>, outDir: string): Promise<Map<string, Asset>> {
  await makeFolder(outDir, 'media');
  await makeFolder(outDir, 'thumbs');
  const unique = [...new Map([...sources].map((s) => [s.id, s])).values()];
  const assets = new Map<string, Asset>();
  await forEachLimit(unique, CONCURRENCY, async (src) => {
    const asset = await collectOne(src, outDir);
    if (asset) assets.set(src.id, asset);
  });
  return assets;
}

/**
 * Removes media and thumbnails of earlier builds that the page no longer shows, so the folder
 * stays small enough to send. Only content-addressed names are touched.
 */
export async function pruneAssets(outDir: string, keep: Iterable<Asset>): Promise<void> {
  const kept = new Set([...keep].flatMap((a) => (a.thumb ? [a.media, a.thumb] : [a.media])));
  for (const sub of ['media', 'thumbs']) {
    checkFolder(outDir, sub);
    const names = await readdir(path.join(outDir, sub)).catch(() => []);
    const stale = names.filter((n) => /^[0-9a-f]{64}\.[a-z0-9]+$/.test(n) && !kept.has(`${sub}/${n}`));
    await Promise.all(stale.map((n) => rm(path.join(outDir, sub, n), { force: true })));
  }
}

async function collectOne(src: AssetSource, outDir: string): Promise<Asset | undefined> {
  const bytes = await readMedia(src.file, { follow: src.source === true });
  if (!bytes) return undefined;
  const sha = sha256Bytes(bytes);
  const ext = src.ext.toLowerCase();
  const mediaType = mediaTypeOf(`x${ext}`);
  const media = `media/${sha}${ext}`;
  await writeOnce(path.join(outDir, media), bytes);
  if (!mediaType.startsWith('image/')) return { media, mediaType, durationSec: mediaType.startsWith('video/') ? isoDurationSec(bytes) : undefined };
  const meta = await sharp(bytes).metadata().catch(() => undefined);
  if (!meta) return { media, mediaType };
  const thumb = `thumbs/${sha}.webp`;
  const thumbPath = path.join(outDir, thumb);
  const made = (await exists(thumbPath)) || (await makeThumb(bytes, thumbPath));
  const frameHeight = meta.pageHeight ?? meta.height;
  const turned = (meta.orientation ?? 1) >= 5;
  return {
    media,
    thumb: made ? thumb : undefined,
    mediaType,
    width: turned ? frameHeight : meta.width,
    height: turned ? meta.width : frameHeight,
    durationSec: animatedLength(meta.delay),
  };
}

/** An animated image's length in seconds (a draft segment can be one): its frames' delays. */
function animatedLength(delays: number[] | undefined): number | undefined {
  const ms = delays && delays.length > 1 ? delays.reduce((a, b) => a + b, 0) : 0;
  return ms > 0 ? ms / 1000 : undefined;
}

async function makeThumb(bytes: Buffer, dest: string): Promise<boolean> {
  try {
    const webp = await sharp(bytes)
      .rotate()
      .resize({ width: THUMB_SIZE, height: THUMB_SIZE, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer();
    await writeOnce(dest, webp);
    return true;
  } catch {
    return false;
  }
}

/** Content-addressed, so an existing file is already right; an atomic write keeps it whole. */
async function writeOnce(dest: string, bytes: Buffer): Promise<void> {
  if (!(await exists(dest))) await writeFileAtomic(dest, bytes, { inside: path.dirname(path.dirname(dest)) });
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

async function forEachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
