// The one-off commands' local files: images read from the arguments, images written to --output.
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { UsageError } from '../base/errors.js';
import { sha256Bytes } from '../media/hash.js';
import { sendableImage } from '../providers/input-image.js';
import type { InputImage } from '../providers/types.js';

/**
 * A local image argument (`--file`, `--mask`, `upload FILE`), checked before any key or network
 * is involved: it exists and is an image aivp sends (the check every upload passes), then hashed.
 * A path on the command line may be anywhere, a link included.
 */
export async function localImage(path: string): Promise<InputImage> {
  const st = await stat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') throw new UsageError(`${path} does not exist (nothing was sent)`);
    throw new UsageError(`cannot read ${path}: ${err.code ?? err.message} (nothing was sent)`);
  });
  if (st.isDirectory()) throw new UsageError(`${path} is a folder, not an image (nothing was sent)`);
  const { bytes, mediaType } = await sendableImage({ name: path, path });
  return { name: path, path, sha256: sha256Bytes(bytes), mediaType };
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
