// SHA-256 of files and buffers, hex encoded; files are streamed so large videos never sit in memory.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function sha256Bytes(buf: Uint8Array): string {
  return createHash('sha256').update(buf).digest('hex');
}
