// "This file is unchanged" is one test wherever aivp trusts a stat (the stat cache, the record
// memo, the no-op fast path): its stamp (size, mtime, ctime, inode) equals the one taken when it
// was read. And one racy rule, git's: a stamp not older than the file system's own clock at the
// moment of reading may hide a change made within the same clock tick, so it is not trusted.
import { randomBytes } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import { lstat, mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { STATE_DIR } from './layout.js';

export interface FileStamp {
  readonly size: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
  readonly ino: bigint;
}

export function stampOf(st: BigIntStats): FileStamp {
  return { size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs, ino: st.ino };
}

export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.ino === b.ino;
}

/** `size:mtime:ctime:ino`, in nanoseconds: the form state files keep. */
export function formatStamp(s: FileStamp): string {
  return `${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.ino}`;
}

/** A stamp in its text form, or undefined for anything else (state files are input: never trusted). */
export function parseStamp(text: string): FileStamp | undefined {
  const m = /^(\d+):(\d+):(\d+):(\d+)$/.exec(text);
  return m ? { size: BigInt(m[1]), mtimeNs: BigInt(m[2]), ctimeNs: BigInt(m[3]), ino: BigInt(m[4]) } : undefined;
}

/** Changed at or after `clockNs`, the file system's clock when the file was read: it may change again unseen. */
export function isRacy(s: FileStamp, clockNs: bigint): boolean {
  return s.mtimeNs >= clockNs || s.ctimeNs >= clockNs;
}

/**
 * The file system's clock now: the mtime of a fresh tick file in the project's `.aivp/` (the file
 * system of what it stamps, with its own granularity), created exclusively, so never through a
 * link, and removed. 0 (nothing is trusted) where `.aivp/` is not a folder of the project's own.
 */
export async function fsClockNs(root: string): Promise<bigint> {
  const dir = join(root, STATE_DIR);
  try {
    await mkdir(dir, { recursive: true });
    if (!(await lstat(dir)).isDirectory()) return 0n;
    const tick = join(dir, `.tick.${process.pid}.${randomBytes(6).toString('hex')}`);
    const fh = await open(tick, 'wx');
    try {
      return (await fh.stat({ bigint: true })).mtimeNs;
    } finally {
      await fh.close();
      await rm(tick, { force: true });
    }
  } catch {
    return 0n;
  }
}

/**
 * One reading of the file-system clock shared by many reads: any reading taken before a file is
 * read is a safe one (an older one only distrusts more), so a file pays four file operations for
 * a new reading only when it changed after the last one.
 */
export class FsClock {
  private reading: Promise<bigint> | undefined;

  constructor(private readonly root: string) {}

  /** A reading for a file about to be read whose stamp is `stamp`. */
  async before(stamp: FileStamp): Promise<bigint> {
    this.reading ??= fsClockNs(this.root);
    const last = await this.reading;
    if (!isRacy(stamp, last)) return last;
    this.reading = fsClockNs(this.root);
    return this.reading;
  }
}
