import { describe, expect, it } from 'vitest';
import { isoDurationSec, probeMedia } from '../../src/media/probe.js';
import { makeImage } from '../support/images.js';

function box(type: string, payload: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + payload.length);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, payload]);
}

function isoVideo(brand: string): Buffer {
  const ftyp = box('ftyp', Buffer.concat([Buffer.from(brand, 'latin1'), Buffer.from([0, 0, 2, 0]), Buffer.from(brand, 'latin1')]));
  return Buffer.concat([ftyp, box('moov', box('mvhd', Buffer.alloc(100))), box('mdat', Buffer.alloc(64, 7))]);
}

/** EBML header with a DocType, then a Segment with a known size. */
function ebml(docType: string, segmentSize: number, present = segmentSize): Buffer {
  const doc = Buffer.concat([Buffer.from([0x42, 0x82, 0x80 | docType.length]), Buffer.from(docType, 'latin1')]);
  return Buffer.concat([
    Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x80 | doc.length]),
    doc,
    Buffer.from([0x18, 0x53, 0x80, 0x67, 0x40 | (segmentSize >> 8), segmentSize & 0xff]),
    Buffer.alloc(present, 1),
  ]);
}

function bmp(width: number, height: number): Buffer {
  const row = Math.ceil((width * 3) / 4) * 4;
  const buf = Buffer.alloc(54 + row * height);
  buf.write('BM', 0, 'latin1');
  buf.writeUInt32LE(buf.length, 2);
  buf.writeUInt32LE(54, 10);
  buf.writeUInt32LE(40, 14);
  buf.writeInt32LE(width, 18);
  buf.writeInt32LE(-height, 22);
  buf.writeUInt16LE(1, 26);
  buf.writeUInt16LE(24, 28);
  return buf;
}

const animatedWebp = () => makeImage({ width: 32, height: 24, noise: true, format: 'webp', frames: 3 });

const cut = (b: Buffer, fraction = 0.6) => b.subarray(0, Math.floor(b.length * fraction));

describe('probeMedia recognises', () => {
  it.each([
    ['png', 'image/png'],
    ['jpeg', 'image/jpeg'],
    ['webp', 'image/webp'],
    ['gif', 'image/gif'],
  ] as const)('%s with its dimensions', async (format, mediaType) => {
    const info = await probeMedia(await makeImage({ width: 40, height: 30, noise: true, format }));
    expect(info).toEqual({ mediaType, ext: format === 'jpeg' ? 'jpg' : format, width: 40, height: 30, kind: 'image' });
  });

  it('an animated WebP, giving the size of one frame', async () => {
    expect(await probeMedia(await animatedWebp())).toEqual({ mediaType: 'image/webp', ext: 'webp', width: 32, height: 24, kind: 'image' });
  });

  it('a BMP from its header, top-down rows included', async () => {
    expect(await probeMedia(bmp(5, 3))).toEqual({ mediaType: 'image/bmp', ext: 'bmp', width: 5, height: 3, kind: 'image' });
  });

  it('mp4 and mov by their ftyp brand', async () => {
    expect(await probeMedia(isoVideo('isom'))).toEqual({ mediaType: 'video/mp4', ext: 'mp4', kind: 'video' });
    expect(await probeMedia(isoVideo('qt  '))).toEqual({ mediaType: 'video/quicktime', ext: 'mov', kind: 'video' });
  });

  it('webm (and matroska) by the EBML DocType', async () => {
    expect(await probeMedia(ebml('webm', 300))).toEqual({ mediaType: 'video/webm', ext: 'webm', kind: 'video' });
    expect(await probeMedia(ebml('matroska', 300))).toMatchObject({ mediaType: 'video/x-matroska', ext: 'mkv' });
  });

  it('a PNG that lost only its IEND chunk, since every pixel still decodes', async () => {
    const whole = await makeImage({ width: 16, height: 16, noise: true });
    expect(await probeMedia(whole.subarray(0, whole.length - 12))).toMatchObject({ mediaType: 'image/png', width: 16, height: 16 });
  });

  it('a JPEG with data appended after its end marker, by decoding it', async () => {
    const withTrailer = Buffer.concat([await makeImage({ width: 20, height: 20, noise: true, format: 'jpeg' }), Buffer.alloc(200, 0x41)]);
    expect(await probeMedia(withTrailer)).toMatchObject({ mediaType: 'image/jpeg', width: 20, height: 20 });
  });
});

describe('probeMedia rejects', () => {
  it('an HTML error page, naming what it got', async () => {
    const html = Buffer.from('<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head></html>');
    await expect(probeMedia(html)).rejects.toThrow(/not an image or video: got text\/html "<!DOCTYPE html> <html><head><title>502/);
  });

  it('JSON, plain text, empty and unknown binary', async () => {
    await expect(probeMedia(Buffer.from('{"detail":"Not found"}'))).rejects.toThrow(/got JSON "\{\\"detail/);
    await expect(probeMedia(Buffer.from('Internal Server Error'))).rejects.toThrow(/got text\/plain "Internal Server Error"/);
    await expect(probeMedia(Buffer.alloc(0))).rejects.toThrow(/got an empty file/);
    await expect(probeMedia(Buffer.from([0, 1, 2, 3, 0xfe, 0xff, 9, 9, 9]))).rejects.toThrow(/unrecognised binary data \(9 bytes, starts 00010203feff0909\)/);
  });

  it.each(['png', 'jpeg', 'webp', 'gif'] as const)('a truncated %s', async (format) => {
    const whole = await makeImage({ width: 64, height: 48, noise: true, format });
    await expect(probeMedia(cut(whole))).rejects.toThrow(/^(truncated|corrupt) /);
  });

  it('a truncated animated WebP', async () => {
    await expect(probeMedia(cut(await animatedWebp()))).rejects.toThrow(/truncated WEBP/);
  });

  it('a truncated BMP', async () => {
    await expect(probeMedia(cut(bmp(20, 20)))).rejects.toThrow(/truncated BMP .*header declares/);
  });

  it('a truncated mp4 and one without a movie header', async () => {
    await expect(probeMedia(cut(isoVideo('isom'), 0.9))).rejects.toThrow(/truncated MP4 .*box mdat declares/);
    const noMoov = Buffer.concat([isoVideo('isom').subarray(0, 20), box('mdat', Buffer.alloc(10))]);
    await expect(probeMedia(noMoov)).rejects.toThrow(/no moov box/);
  });

  it('a truncated webm', async () => {
    await expect(probeMedia(ebml('webm', 300, 120))).rejects.toThrow(/truncated WEBM .*Segment declares/);
  });
});

describe('isoDurationSec', () => {
  /** A movie header: version 0 (32-bit times) or 1 (64-bit). */
  const mvhd = (version: 0 | 1, scale: number, units: number): Buffer => {
    const b = Buffer.alloc(version ? 112 : 100);
    b[0] = version;
    if (version) {
      b.writeUInt32BE(scale, 20);
      b.writeBigUInt64BE(BigInt(units), 24);
    } else {
      b.writeUInt32BE(scale, 12);
      b.writeUInt32BE(units, 16);
    }
    return box('mvhd', b);
  };

  it("reads a clip's real length from its movie header", () => {
    expect(isoDurationSec(Buffer.concat([box('ftyp', Buffer.from('isom')), box('moov', mvhd(0, 1000, 9500))]))).toBe(9.5);
    expect(isoDurationSec(Buffer.concat([box('ftyp', Buffer.from('isom')), box('moov', mvhd(1, 90000, 225000))]))).toBe(2.5);
  });

  it('gives nothing for a file without one, or a broken box', () => {
    expect(isoDurationSec(Buffer.concat([box('ftyp', Buffer.from('isom')), box('moov')]))).toBeUndefined();
    expect(isoDurationSec(Buffer.from('not a video at all'))).toBeUndefined();
  });
});
