// Crash-safe file replacement: write a temp file beside the target, fsync it, rename it over the
// target, fsync the folder. A kill at any moment leaves the old file or the new one, never a part.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { makeFolder } from './inside.js';

export interface RemoveTempsOptions {
  /** Also look in subfolders. */
  recursive?: boolean;
}

/** `inside`: the project folder (or the gallery's) the target must stay in: a folder on the way that is a link leading out is refused (OutsideFolderError) before anything is written. */
export interface WriteOptions {
  inside?: string;
}

const TEMP_RE = /^\..+\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/** Same folder as the target, so the rename never crosses a file system. */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

export async function writeFileAtomic(path: string, data: Buffer | string, opts: WriteOptions = {}): Promise<void> {
  await replaceWith(path, opts, async (tmp) => {
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
  });
}

/** Reflinks where the file system can (copy-on-write, never a shared inode), copies otherwise. */
export async function copyFileAtomic(src: string, dest: string, opts: WriteOptions = {}): Promise<void> {
  await replaceWith(dest, opts, async (tmp) => {
    await copyFile(src, tmp, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
    await syncFile(tmp);
  });
}

/** Moves a finished temp file into place durably (for writers that stream into `tempPathFor`). */
export async function commitTemp(tmp: string, dest: string, opts: WriteOptions = {}): Promise<void> {
  if (opts.inside !== undefined) await makeFolder(opts.inside, dirname(dest));
  await moveIntoPlace(tmp, dest, () => syncFile(tmp));
}

/** `fill` writes and fsyncs the temp file; then it replaces `dest`. */
async function replaceWith(dest: string, opts: WriteOptions, fill: (tmp: string) => Promise<void>): Promise<void> {
  if (opts.inside !== undefined) await makeFolder(opts.inside, dirname(dest));
  else await mkdir(dirname(dest), { recursive: true });
  const tmp = tempPathFor(dest);
  await moveIntoPlace(tmp, dest, () => fill(tmp));
}

async function moveIntoPlace(tmp: string, dest: string, prepare: () => Promise<void>): Promise<void> {
  try {
    await prepare();
    await rename(tmp, dest);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await syncDir(dirname(dest));
}

/** Deletes temp files left by writers that died; temps of live processes (this one too) are kept. */
export async function removeStaleTemps(dir: string, opts: RemoveTempsOptions = {}): Promise<number> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return 0;
    throw err;
  }
  const counts = await Promise.all(
    entries.map(async (e) => {
      const full = join(dir, e.name);
      if (e.isDirectory()) return opts.recursive ? removeStaleTemps(full, opts) : 0;
      const m = TEMP_RE.exec(e.name);
      if (!m || !(await isStaleTemp(full, Number(m[1])))) return 0;
      await rm(full, { force: true });
      return 1;
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

/** Our own pid on a temp older than this process is a leftover of an earlier run (pids repeat). */
async function isStaleTemp(file: string, pid: number): Promise<boolean> {
  if (pid !== process.pid) return !isAlive(pid);
  const startedMs = Date.now() - process.uptime() * 1000;
  return stat(file).then((s) => s.mtimeMs < startedMs, () => false);
}

/** True while a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function syncFile(path: string): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Makes the rename itself durable; some platforms cannot open or fsync a folder, which is harmless. */
async function syncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // Windows and some network file systems refuse; the rename is still atomic there.
  } finally {
    await fh?.close();
  }
}
