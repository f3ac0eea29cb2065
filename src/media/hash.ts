// SHA-256 of files and buffers, hex encoded; files are streamed so large videos never sit in memory.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export async function sha256File(path: string): Promise<string> {
  return (await hashFile(path)).sha256;
}

/** Streaming sha256 of a file, with the number of bytes read (the stat cache checks it against the size). */
export async function hashFile(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    bytes += (chunk as Buffer).length;
    hash.update(chunk as Buffer);
  }
  return { sha256: hash.digest('hex'), bytes };
}

export function sha256Bytes(buf: Uint8Array): string {
  return createHash('sha256').update(buf).digest('hex');
}
