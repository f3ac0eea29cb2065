// Paths in the project: inside the project folder (symlinks included), sources present, dirs expanded.
import { readdir, realpath, stat } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import type { Reporter } from './report.js';
import type { Path } from './source.js';
import { didYouMean } from './suggest.js';

export const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp', '.bmp']);

export interface PathRules {
  root: string;
  /** realpath of root. */
  realRoot: string;
  report: Reporter;
}

const within = (base: string, p: string) => {
  const rel = relative(base, p);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
};

/** The realpath of `p`, or of its deepest existing ancestor joined with the rest. */
async function realpathOfExisting(p: string): Promise<string> {
  try {
    return await realpath(p);
  } catch {
    const parent = dirname(p);
    if (parent === p) return p;
    return join(await realpathOfExisting(parent), p.slice(parent.length));
  }
}

/** False (and an error reported) when `rel` is absolute or leads outside the project folder. */
export async function checkInside(rel: string, path: Path, rules: PathRules): Promise<boolean> {
  const field = String(path[path.length - 1]);
  if (isAbsolute(rel) || /^[A-Za-z]:[\\/]/.test(rel)) {
    rules.report.error(path, `\`${field}\` must be a path relative to the project file, not \`${rel}\``);
    return false;
  }
  const full = resolve(rules.root, rel);
  if (!within(rules.root, full)) {
    rules.report.error(path, `\`${field}\` \`${rel}\` leads outside the project folder`, { hint: 'keep every file inside the folder of aivp.project.yaml' });
    return false;
  }
  if (!within(rules.realRoot, await realpathOfExisting(full))) {
    rules.report.error(path, `\`${field}\` \`${rel}\` leads outside the project folder through a symbolic link`, {
      hint: 'copy the file into the project instead of linking to it',
    });
    return false;
  }
  return true;
}

async function kindOf(p: string): Promise<'file' | 'dir' | undefined> {
  try {
    const s = await stat(p);
    return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

/** A source `file:` must exist. */
export async function checkSourceFile(rel: string, path: Path, rules: PathRules): Promise<void> {
  const full = resolve(rules.root, rel);
  const kind = await kindOf(full);
  if (kind === 'file') return;
  if (kind === 'dir') {
    rules.report.error(path, `\`${rel}\` is a folder: use \`dir:\` for a folder of images`);
    return;
  }
  const siblings = await readdir(dirname(full)).catch(() => [] as string[]);
  const near = didYouMean(posix.basename(rel), siblings);
  rules.report.error(path, `source file \`${rel}\` not found`, {
    hint: near ?? 'add the file, or give the reference a `prompt` to generate it',
  });
}

/** The image files of a `dir:` reference, relative to root, sorted by name; others skipped with a warning. */
export async function expandDir(rel: string, path: Path, rules: PathRules): Promise<string[]> {
  const full = resolve(rules.root, rel);
  const kind = await kindOf(full);
  if (kind !== 'dir') {
    rules.report.error(path, kind === 'file' ? `\`${rel}\` is a file: use \`file:\` for one image` : `folder \`${rel}\` not found`);
    return [];
  }
  const files: string[] = [];
  const names = (await readdir(full)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const name of names) {
    const relFile = rel === '.' ? name : posix.join(rel, name);
    const kindOfEntry = await kindOf(join(full, name));
    if (kindOfEntry !== 'file') continue;
    if (!IMAGE_EXTENSIONS.has(extname(name).toLowerCase())) {
      rules.report.warn(path, `skipping \`${relFile}\`: not an image (png jpg jpeg webp bmp)`);
      continue;
    }
    if (await checkInside(relFile, path, rules)) files.push(relFile);
  }
  if (files.length === 0) rules.report.warn(path, `folder \`${rel}\` holds no images`);
  return files;
}
