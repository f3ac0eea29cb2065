// A draft segment's frames: a slow push-in on one keyframe, or a push-in that moves from the
// first keyframe to the last, with a caption band; src/media/encode.ts makes them an MP4.
import sharp from 'sharp';
import { escapeXml } from './card.js';
import type { RawImage } from './thumbnail.js';

export interface AnimaticSpec {
  /** One or two keyframes (file path, encoded image or raw RGB pixels), first to last. */
  keyframes: Array<string | Buffer | RawImage>;
  width: number;
  height: number;
  /** Seconds the clip lasts. */
  duration: number;
  fps: number;
  caption?: string;
  signal?: AbortSignal;
}

/**
 * How far the camera pushes in over the clip. It pushes towards the frame's top-left corner (and a
 * keyframe of another shape is cropped from there too): that is where a draft card writes the
 * shot's name, which a push-in to the centre would cut ("door" -> "oor").
 */
const ZOOM = 1.12;
const FONT = "'DejaVu Sans', 'Liberation Sans', Arial, Helvetica, sans-serif";

/** Raw RGB frames, `duration * fps` of them, each width x height x 3 bytes. */
export async function* animaticFrames(spec: AnimaticSpec): AsyncGenerator<Buffer> {
  const { width: W, height: H } = spec;
  const BW = Math.round(W * ZOOM);
  const BH = Math.round(H * ZOOM);
  const first = await load(spec.keyframes[0]!, BW, BH);
  spec.signal?.throwIfAborted();
  const last = spec.keyframes.length > 1 ? await load(spec.keyframes[spec.keyframes.length - 1]!, BW, BH) : first;
  const caption = spec.caption ? await captionBand(spec.caption, W, H) : undefined;

  const n = frameCount(spec.duration, spec.fps);
  const mix = Buffer.alloc(BW * BH * 3);
  for (let i = 0; i < n; i++) {
    spec.signal?.throwIfAborted();
    const t = n > 1 ? i / (n - 1) : 0;
    const source = last === first ? first : blend(first, last, smoothstep((t - 0.1) / 0.8), mix);
    const zoom = 1 + (ZOOM - 1) * t;
    const cw = Math.min(BW, Math.round(BW / zoom));
    const ch = Math.min(BH, Math.round(BH / zoom));
    const frame = await sharp(source, { raw: { width: BW, height: BH, channels: 3 } })
      .extract({ left: 0, top: 0, width: cw, height: ch })
      .resize(W, H, { fit: 'fill', kernel: 'linear' })
      .raw()
      .toBuffer();
    if (caption) overlay(frame, W, caption);
    yield frame;
  }
}

/** Frames of a clip lasting `durationSeconds` (at least one). */
export function frameCount(durationSeconds: number, fps: number): number {
  return Math.max(1, Math.round(durationSeconds * fps));
}

async function load(src: string | Buffer | RawImage, width: number, height: number): Promise<Buffer> {
  const input = typeof src === 'string' || Buffer.isBuffer(src) ? sharp(src).autoOrient() : sharp(src.data, { raw: { width: src.width, height: src.height, channels: 3 } });
  return input.resize(width, height, { fit: 'cover', position: 'left top' }).flatten({ background: '#000000' }).toColourspace('srgb').raw().toBuffer();
}

function blend(a: Buffer, b: Buffer, alpha: number, out: Buffer): Buffer {
  if (alpha <= 0) return a;
  if (alpha >= 1) return b;
  const w = Math.round(alpha * 256);
  for (let i = 0; i < a.length; i++) out[i] = (a[i]! * (256 - w) + b[i]! * w) >> 8;
  return out;
}

function smoothstep(x: number): number {
  const t = Math.min(1, Math.max(0, x));
  return t * t * (3 - 2 * t);
}

interface Band {
  rgba: Buffer;
  top: number;
  height: number;
}

async function captionBand(caption: string, W: number, H: number): Promise<Band> {
  const size = Math.max(8, Math.round(H / 24));
  const height = Math.round(size * 2);
  const chars = Math.floor((W - size) / (size * 0.58));
  const text = caption.length > chars ? `${caption.slice(0, Math.max(0, chars - 1))}…` : caption;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}">` +
    `<rect width="${W}" height="${height}" fill="#000" fill-opacity="0.55"/>` +
    `<text x="${size / 2}" y="${size * 1.35}" font-family="${FONT}" font-size="${size}" fill="#fff">${escapeXml(text)}</text></svg>`;
  const rgba = await sharp(Buffer.from(svg)).ensureAlpha().raw().toBuffer();
  return { rgba, top: H - height, height };
}

/** Alpha-blends the band over the bottom rows of an RGB frame, in place. */
function overlay(frame: Buffer, W: number, band: Band): void {
  const start = band.top * W * 3;
  for (let p = 0, q = start; p < band.rgba.length; p += 4, q += 3) {
    const a = band.rgba[p + 3]!;
    if (a === 0) continue;
    for (let c = 0; c < 3; c++) frame[q + c] = (band.rgba[p + c]! * a + frame[q + c]! * (255 - a) + 127) / 255;
  }
}
