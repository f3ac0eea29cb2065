// Reading state back from disk: every file aivp wrote and reads again (records, the stat cache,
// the failures, the lock, the content cache's key records, the upload list, the fast path's state)
// is input, and a clone may put a FIFO, a device or a link in its place. Each is opened without
// following a last link and without blocking, checked to be a regular file within a size bound,
// and only then read; anything else is an error the caller already treats as a corrupt file.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';

/**
 * The largest file of each kind aivp reads back. A record is ~1 KB (10 takes with long prompts stay
 * under 64 KB); the stat cache holds ~150 bytes per file, so 64 MB is ~400,000 files; the fast
 * path's state carries the printed answer of a build (~200 bytes per node).
 */
export const READ_LIMITS = {
  record: 1 << 20,
  keyRecord: 1 << 20,
  inflight: 1 << 16,
  lock: 1 << 12,
  failures: 16 << 20,
  uploads: 16 << 20,
  statCache: 64 << 20,
  fastPath: 64 << 20,
  /** aivp.project.yaml: 10,000 nodes are ~2 MB. */
  project: 64 << 20,
} as const;

export type StateKind = keyof typeof READ_LIMITS;

/** O_NOFOLLOW: a link at the last component fails (ELOOP); O_NONBLOCK: a FIFO opens at once instead of waiting for a writer. */
const FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** Why a state file was not read: `ENOTREG` (a link, FIFO, device or folder) or `EFBIG` (over its bound). */
export class StateFileError extends Error {
  constructor(
    readonly code: 'ENOTREG' | 'EFBIG',
    file: string,
  ) {
    super(code === 'ENOTREG' ? `${file}: not a regular file (a link, FIFO, device or folder)` : `${file}: larger than aivp ever writes it`);
    this.name = 'StateFileError';
  }
}

function refusal(err: NodeJS.ErrnoException, file: string): Error {
  // ELOOP: the last component is a link (O_NOFOLLOW); EISDIR and ENXIO: a folder, a socket.
  return err.code === 'ELOOP' || err.code === 'EISDIR' || err.code === 'ENXIO' ? new StateFileError('ENOTREG', file) : err;
}

function check(st: { isFile(): boolean; size: number }, file: string, kind: StateKind): number {
  if (!st.isFile()) throw new StateFileError('ENOTREG', file);
  if (st.size > READ_LIMITS[kind]) throw new StateFileError('EFBIG', file);
  return st.size;
}

/** The text of a state file; rejects with ENOENT when absent, StateFileError when not a regular file within the bound of its kind. */
export async function readState(file: string, kind: StateKind): Promise<string> {
  const fh = await open(file, FLAGS).catch((err: NodeJS.ErrnoException) => {
    throw refusal(err, file);
  });
  try {
    const size = check(await fh.stat(), file, kind);
    return await readBounded(size, kind, file, async (buf, pos) => (await fh.read(buf, 0, buf.length, pos)).bytesRead);
  } finally {
    await fh.close();
  }
}

/** Reads until the end, one byte past the bound at most: a file growing after the stat is still refused. */
async function readBounded(size: number, kind: StateKind, file: string, read: (buf: Buffer, pos: number) => Promise<number>): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const buf = nextChunk(size, total, kind);
    const n = await read(buf, total);
    if (n === 0) break;
    chunks.push(buf.subarray(0, n));
    total += n;
    if (total > READ_LIMITS[kind]) throw new StateFileError('EFBIG', file);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The rest of the file as the stat saw it (at least a page, to see the end), never past one byte over the bound. */
function nextChunk(size: number, total: number, kind: StateKind): Buffer {
  return Buffer.allocUnsafe(Math.min(Math.max(size - total + 1, 4096), READ_LIMITS[kind] + 1 - total));
}

/** readState, synchronously (the records and the fast path read many small files, or one before anything loads). */
export function readStateSync(file: string, kind: StateKind): string {
  let fd: number;
  try {
    fd = openSync(file, FLAGS);
  } catch (err) {
    throw refusal(err as NodeJS.ErrnoException, file);
  }
  try {
    const size = check(fstatSync(fd), file, kind);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = nextChunk(size, total, kind);
      const n = readSync(fd, buf, 0, buf.length, total);
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      if (total > READ_LIMITS[kind]) throw new StateFileError('EFBIG', file);
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * The bytes of a media file (an output, a source, a blob) when it is a regular file, else
 * undefined: a FIFO or a device never blocks the read; `follow: false` also refuses a link (an
 * output aivp wrote is never one).
 */
export async function readMedia(file: string, opts: { follow: boolean }): Promise<Buffer | undefined> {
  const flags = opts.follow ? constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) : FLAGS;
  const fh = await open(file, flags).catch(() => undefined);
  if (!fh) return undefined;
  try {
    return (await fh.stat()).isFile() ? await fh.readFile() : undefined;
  } finally {
    await fh.close();
  }
}
