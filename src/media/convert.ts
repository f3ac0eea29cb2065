// Re-encode an image to the format its path promises (`file: refs/heroine.png` generated as JPEG).
const WRITABLE = new Set(['png', 'jpg', 'jpeg', 'webp', 'avif', 'gif']);

/** Whether `ext` is a format the bytes can be converted to. */
export function canConvertTo(ext: string): boolean {
  return WRITABLE.has(ext.toLowerCase());
}

export async function convertImage(bytes: Buffer, ext: string): Promise<Buffer> {
  // Loaded on use: most builds never convert, and sharp costs ~50 ms to import.
  const { default: sharp } = await import('sharp');
  const format = ext.toLowerCase() === 'jpg' ? 'jpeg' : (ext.toLowerCase() as 'png' | 'jpeg' | 'webp' | 'avif' | 'gif');
  return sharp(bytes).toFormat(format).toBuffer();
}
