// The one-off commands' local files: images read from the arguments, images written to --output.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { UsageError } from '../base/errors.js';
import { sha256Bytes } from '../media/hash.js';
import { mediaTypeOf } from '../media/media-types.js';
import type { InputImage } from '../providers/types.js';

/** A local image argument, hashed; an unreadable one is a usage error. */
export async function localImage(path: string): Promise<InputImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return { name: path, path, sha256: sha256Bytes(bytes), mediaType: mediaTypeOf(path) };
}

/** out.png -> out.png for one image; out_1.png, out_2.png, … for several. */
export function numbered(output: string, index: number, count: number): string {
  if (count <= 1) return output;
  const ext = extname(output);
  return join(dirname(output), `${basename(output, ext)}_${index + 1}${ext}`);
}

/** Writes an image where the user asked, creating its folder. */
export async function save(path: string, bytes: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes);
}
