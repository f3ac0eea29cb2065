// The one rule for paths that must stay in the project folder: relative, not climbing out with
// `..`, and not leaving through a symbolic link. Paths from the project file and paths read back
// from disk (records, the content cache) are held to it alike; a cloned repository ships both.
import { readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UsageError } from './errors.js';

/** Why a path is not inside the project: written absolute, climbing out, or through a link. */
export type Outside = 'absolute' | 'outside' | 'symlink';

export function within(base: string, p: string): boolean {
  const rel = relative(base, p);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

function written(root: string, rel: string): Outside | undefined {
  if (isAbsolute(rel) || /^[A-Za-z]:[\\/]/.test(rel)) return 'absolute';
  return within(root, resolve(root, rel)) ? undefined : 'outside';
}

/**
 * Undefined when `rel` (relative to root) stays inside the project, else why not. Synchronous and
 * for many paths: each folder is resolved and listed once (the listing's entry types tell which
 * files are links), so ten thousand records cost a few folder reads, not ten thousand lstats.
 */
export function insideChecker(root: string): (rel: string) => Outside | undefined {
  const realRoot = realpathOfExistingSync(root);
  const folders = new Map<string, { real: string; links: Set<string> }>();
  return (rel) => {
    const why = written(root, rel);
    if (why) return why;
    const abs = resolve(root, rel);
    const dir = dirname(abs);
    let folder = folders.get(dir);
    if (!folder) folders.set(dir, (folder = { real: realpathOfExistingSync(dir), links: linksIn(dir) }));
    // A link is followed by what it names, even when that does not exist yet (a write would create it there).
    const name = basename(abs);
    const real = folder.links.has(name) ? realpathOfExistingSync(resolve(dir, readlinkSync(abs))) : join(folder.real, name);
    return within(realRoot, real) ? undefined : 'symlink';
  };
}

/** Names of the symbolic links in a folder (none when it does not exist). */
function linksIn(dir: string): Set<string> {
  try {
    return new Set(readdirSync(dir, { withFileTypes: true }).filter((e) => e.isSymbolicLink()).map((e) => e.name));
  } catch {
    return new Set();
  }
}

/**
 * A path as aivp itself writes it in a record: relative, `/`-separated, no `.` or `..` segment.
 * Anything else in a record was not written by aivp.
 */
export function isPlainRelative(rel: string): boolean {
  return rel !== '' && !rel.includes('\\') && !rel.includes('\0') && !isAbsolute(rel) && rel.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

/** The realpath of `p`, or of its deepest existing ancestor joined with the rest. */
function realpathOfExistingSync(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    const parent = dirname(p);
    if (parent === p) return p;
    return join(realpathOfExistingSync(parent), p.slice(parent.length));
  }
}

/** A folder aivp writes or deletes in that is a link leading out: nothing is written. Exit 2. */
export class OutsideFolderError extends UsageError {
  constructor(folder: string) {
    super(`the folder \`${folder}\` is a symbolic link leading outside the project folder: aivp writes there`, []);
    this.name = 'OutsideFolderError';
  }
}

/**
 * Throws OutsideFolderError when folder `dir` (absolute, or relative to root) or a folder on the
 * way to it leads outside `root`. Called where a folder is opened for writing or deleting, not only
 * when the project loads: a link made since, or one deeper than the load looked, is caught there.
 */
export function checkFolder(root: string, dir: string): void {
  const rel = relative(root, resolve(root, dir));
  if (rel === '') return;
  if (insideChecker(root)(rel)) throw new OutsideFolderError(rel.split(sep).join('/'));
}

/** checkFolder, then `mkdir -p`, then again (a link put in place meanwhile is caught before the write). */
export async function makeFolder(root: string, dir: string): Promise<void> {
  checkFolder(root, dir);
  await mkdir(resolve(root, dir), { recursive: true }).catch((err: NodeJS.ErrnoException) => {
    // Something not a folder (a file, a FIFO) where aivp writes: the project's input, not a crash.
    if (err.code === 'EEXIST' || err.code === 'ENOTDIR') throw new UsageError(`\`${relative(root, resolve(root, dir)).split(sep).join('/')}\` is not a folder: aivp writes there`);
    throw err;
  });
  checkFolder(root, dir);
}
