// What a provider actually sent: the media type from the magic numbers, a cheap completeness
// check of the container (so an HTML error page or a cut-off download is never stored as an
// image), and the image dimensions from sharp's header read.

export interface MediaInfo {
  mediaType: string;
  /** File extension without the dot. */
  ext: string;
  width?: number;
  height?: number;
  kind: 'image' | 'video';
}

interface Format {
  mediaType: string;
  ext: string;
  kind: 'image' | 'video';
  /** Returns why the bytes are incomplete, or undefined when they look whole. */
  incomplete(b: Buffer): string | undefined;
}

const PNG: Format = { mediaType: 'image/png', ext: 'png', kind: 'image', incomplete: (b) => (tailHas(b, 'IEND') ? undefined : 'no IEND chunk') };
const JPEG: Format = { mediaType: 'image/jpeg', ext: 'jpg', kind: 'image', incomplete: (b) => (tailHas(b, '\xff\xd9') ? undefined : 'no end-of-image marker') };
const GIF: Format = { mediaType: 'image/gif', ext: 'gif', kind: 'image', incomplete: (b) => (tailHas(b, ';') ? undefined : 'no trailer') };
const WEBP: Format = { mediaType: 'image/webp', ext: 'webp', kind: 'image', incomplete: (b) => declaredSize(b, b.readUInt32LE(4) + 8) };
const BMP: Format = { mediaType: 'image/bmp', ext: 'bmp', kind: 'image', incomplete: (b) => declaredSize(b, b.readUInt32LE(2)) };
const MP4: Format = { mediaType: 'video/mp4', ext: 'mp4', kind: 'video', incomplete: isoBoxes };
const MOV: Format = { mediaType: 'video/quicktime', ext: 'mov', kind: 'video', incomplete: isoBoxes };
const WEBM: Format = { mediaType: 'video/webm', ext: 'webm', kind: 'video', incomplete: ebmlSegment };
const MKV: Format = { mediaType: 'video/x-matroska', ext: 'mkv', kind: 'video', incomplete: ebmlSegment };

export async function probeMedia(bytes: Buffer): Promise<MediaInfo> {
  const format = detect(bytes);
  if (!format) throw new Error(`not an image or video: got ${describe(bytes)}`);
  const why = format.incomplete(bytes);
  // Some writers append data after an image's end marker: then a full decode has the last word.
  if (why && !(format.kind === 'image' && (await decodes(bytes)))) {
    throw new Error(`truncated ${format.ext.toUpperCase()} (${bytes.length} bytes): ${why}`);
  }
  const info: MediaInfo = { mediaType: format.mediaType, ext: format.ext, kind: format.kind };
  if (format === BMP) return { ...info, width: bytes.readInt32LE(18), height: Math.abs(bytes.readInt32LE(22)) };
  if (format === MP4 || format === MOV) return { ...info, ...isoVideoSize(bytes) };
  if (format.kind === 'video') return info;
  const sharp = await loadSharp();
  const meta = await sharp(bytes).metadata().catch((err: Error) => {
    throw new Error(`corrupt ${format.ext.toUpperCase()} (${bytes.length} bytes): ${err.message}`);
  });
  return { ...info, width: meta.autoOrient.width, height: meta.pageHeight ?? meta.autoOrient.height };
}

/**
 * The format the first bytes announce (magic numbers only, no completeness check): 32 bytes are
 * enough. The one table of signatures, also used to check source images before a build.
 */
export function sniffMedia(head: Buffer): Pick<MediaInfo, 'mediaType' | 'ext' | 'kind'> | undefined {
  const f = detect(head);
  return f && { mediaType: f.mediaType, ext: f.ext, kind: f.kind };
}

/** Image formats by extension: what aivp sends a provider (it converts GIF where a provider takes none)... */
export const SENDABLE_IMAGE_FORMATS: ReadonlyMap<string, string> = new Map([['png', 'PNG'], ['jpg', 'JPEG'], ['gif', 'GIF'], ['webp', 'WebP'], ['bmp', 'BMP']]);
/** ...and what a project's source file may hold. */
export const SOURCE_IMAGE_FORMATS: ReadonlyMap<string, string> = new Map([['png', 'PNG'], ['jpg', 'JPEG'], ['webp', 'WebP'], ['bmp', 'BMP']]);

/**
 * Why bytes starting with `head` (32 are enough) are not an image of the `accepted` formats (an
 * HTML page saved as .png, an empty or truncated download); undefined when they are one.
 */
export function notAnImageHead(head: Buffer, accepted: ReadonlyMap<string, string>): string | undefined {
  if (accepted.has(detect(head)?.ext ?? '')) return undefined;
  if (head.length === 0) return 'the file is empty';
  if (/^\s*</.test(head.toString('latin1', 0, 32))) return 'it holds HTML or XML';
  const names = [...accepted.values()];
  return `its content is not ${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

function detect(b: Buffer): Format | undefined {
  const at = (offset: number, sig: string) => b.length >= offset + sig.length && b.toString('latin1', offset, offset + sig.length) === sig;
  if (at(0, '\x89PNG\r\n\x1a\n')) return PNG;
  if (at(0, '\xff\xd8\xff')) return JPEG;
  if (at(0, 'GIF87a') || at(0, 'GIF89a')) return GIF;
  if (at(0, 'RIFF') && at(8, 'WEBP')) return WEBP;
  if (at(0, 'BM') && b.length >= 26) return BMP;
  if (at(4, 'ftyp')) return at(8, 'qt  ') ? MOV : MP4;
  if (at(0, '\x1a\x45\xdf\xa3')) return b.subarray(0, 64).includes('matroska') ? MKV : WEBM;
  return undefined;
}

// sharp loads on first use: a no-op build imports this module but never probes.
async function loadSharp() {
  return (await import('sharp')).default;
}

async function decodes(bytes: Buffer): Promise<boolean> {
  const sharp = await loadSharp();
  return sharp(bytes).stats().then(() => true, () => false);
}

/** A name for what came instead, for the error message (HTML error pages are the usual case). */
function describe(b: Buffer): string {
  if (b.length === 0) return 'an empty file';
  const head = b.toString('utf8', 0, 512).replace(/^\uFEFF/, '').trimStart();
  const snippet = JSON.stringify(head.slice(0, 60).replace(/\s+/g, ' '));
  if (/^(<!doctype html|<html|<head|<body)/i.test(head)) return `text/html ${snippet}`;
  if (/^<svg|^<\?xml/i.test(head)) return `XML/SVG ${snippet}`;
  if (/^[{[]/.test(head)) return `JSON ${snippet}`;
  if (!/[\x00-\x08\x0e-\x1f\ufffd]/.test(head)) return `text/plain ${snippet}`;
  return `unrecognised binary data (${b.length} bytes, starts ${b.subarray(0, 8).toString('hex')})`;
}

/** The end marker within the last bytes (writers may pad a little after it). */
function tailHas(b: Buffer, marker: string): boolean {
  return b.subarray(Math.max(0, b.length - 32)).includes(marker, 0, 'latin1');
}

function declaredSize(b: Buffer, size: number): string | undefined {
  return size > b.length ? `header declares ${size} bytes` : undefined;
}

/** ISO BMFF (mp4/mov): top-level boxes must tile the file and include the movie header. */
function isoBoxes(b: Buffer): string | undefined {
  let pos = 0;
  let moov = false;
  while (pos + 8 <= b.length) {
    let size = b.readUInt32BE(pos);
    const type = b.toString('latin1', pos + 4, pos + 8);
    if (size === 1) {
      if (pos + 16 > b.length) return `box ${type} cut short`;
      size = Number(b.readBigUInt64BE(pos + 8));
    } else if (size === 0) {
      size = b.length - pos;
    }
    if (size < 8) return `invalid box ${JSON.stringify(type)}`;
    if (pos + size > b.length) return `box ${type} declares ${size} bytes, ${b.length - pos} present`;
    moov ||= type === 'moov';
    pos += size;
  }
  if (pos !== b.length) return 'trailing partial box';
  return moov ? undefined : 'no moov box';
}

/** Width and height of the first video track (its `tkhd`, 16.16 fixed point), when present. */
function isoVideoSize(b: Buffer): { width?: number; height?: number } {
  const walk = (start: number, end: number): { width: number; height: number } | undefined => {
    for (let pos = start; pos + 8 <= end; ) {
      const size = b.readUInt32BE(pos);
      const type = b.toString('latin1', pos + 4, pos + 8);
      if (size < 8 || pos + size > end) return undefined;
      if (type === 'moov' || type === 'trak') {
        const found = walk(pos + 8, pos + size);
        if (found) return found;
      } else if (type === 'tkhd' && size >= 92) {
        const width = b.readUInt32BE(pos + size - 8) / 65536;
        const height = b.readUInt32BE(pos + size - 4) / 65536;
        if (width > 0 && height > 0) return { width: Math.round(width), height: Math.round(height) };
      }
      pos += size;
    }
    return undefined;
  };
  return walk(0, b.length) ?? {};
}

/** Seconds an MP4 or MOV lasts, from its movie header (`moov/mvhd`); undefined without one. */
export function isoDurationSec(b: Buffer): number | undefined {
  for (let pos = 0; pos + 8 <= b.length; ) {
    const size = b.readUInt32BE(pos);
    const type = b.toString('latin1', pos + 4, pos + 8);
    if (size < 8 || pos + size > b.length) return undefined;
    if (type === 'moov') {
      for (let at = pos + 8; at + 8 <= pos + size; ) {
        const inner = b.readUInt32BE(at);
        if (inner < 8 || at + inner > pos + size) return undefined;
        if (b.toString('latin1', at + 4, at + 8) === 'mvhd' && inner >= 32) {
          const v1 = b[at + 8] === 1;
          if (v1 && inner < 44) return undefined;
          const scale = b.readUInt32BE(at + (v1 ? 28 : 20));
          const units = v1 ? Number(b.readBigUInt64BE(at + 32)) : b.readUInt32BE(at + 24);
          return scale > 0 && units > 0 ? units / scale : undefined;
        }
        at += inner;
      }
      return undefined;
    }
    pos += size;
  }
  return undefined;
}

/** Matroska/WebM: the Segment's declared size must fit (live streams leave it unknown: accepted). */
function ebmlSegment(b: Buffer): string | undefined {
  const header = readVint(b, 4);
  if (!header) return 'EBML header cut short';
  const segStart = 4 + header.length + header.value;
  if (segStart + 4 > b.length) return 'no Segment';
  if (b.readUInt32BE(segStart) !== 0x18538067) return 'no Segment after the EBML header';
  const seg = readVint(b, segStart + 4);
  if (!seg) return 'Segment size cut short';
  if (seg.unknown) return undefined;
  const end = segStart + 4 + seg.length + seg.value;
  return end > b.length ? `Segment declares ${end} bytes` : undefined;
}

/** An EBML variable-length integer: the leading zero bits of the first byte give its length. */
function readVint(b: Buffer, pos: number): { value: number; length: number; unknown: boolean } | undefined {
  if (pos >= b.length) return undefined;
  const first = b[pos]!;
  const length = Math.clz32(first) - 23;
  if (length < 1 || length > 8 || pos + length > b.length) return undefined;
  let value = first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    value = value * 256 + b[pos + i]!;
    allOnes &&= b[pos + i] === 0xff;
  }
  return { value, length, unknown: allOnes };
}
