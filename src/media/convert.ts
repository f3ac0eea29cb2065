// Re-encode an image to the format its path promises (`file: refs/heroine.png` generated as JPEG).
const WRITABLE = new Set(['png', 'jpg', 'jpeg', 'webp', 'avif', 'gif']);

/**
 * The image re-encoded in the format `path`'s own extension names, when that is a format aivp
 * writes and not the one the bytes have (`ext`: theirs, as probed); undefined when nothing changes.
 */
export async function inFormatOf(path: string, bytes: Buffer, media: { ext: string; kind: string }): Promise<Buffer | undefined> {
  const wanted = /\.([a-z0-9]+)$/i.exec(path)?.[1].toLowerCase();
  const same = wanted === media.ext || (wanted === 'jpeg' && media.ext === 'jpg');
  if (!wanted || same || media.kind !== 'image' || !WRITABLE.has(wanted)) return undefined;
  return convertImage(bytes, wanted);
}

export async function convertImage(bytes: Buffer, ext: string): Promise<Buffer> {
  // Loaded on use: most builds never convert, and sharp costs ~50 ms to import.
  const { default: sharp } = await import('sharp');
  const format = ext.toLowerCase() === 'jpg' ? 'jpeg' : (ext.toLowerCase() as 'png' | 'jpeg' | 'webp' | 'avif' | 'gif');
  return sharp(bytes).toFormat(format).toBuffer();
}
