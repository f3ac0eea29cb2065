// Paths in the project: inside the project folder (symlinks included), sources present, dirs expanded.
import { open, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, extname, join, posix, resolve } from 'node:path';
import type { Outside } from '../base/inside.js';
import { notAnImageHead, SOURCE_IMAGE_FORMATS } from '../media/probe.js';
import type { Reporter } from './report.js';
import type { Path } from './source.js';
import { audioFormat, AUDIO_HEAD_BYTES } from '../media/audio.js';
import { closest, didYouMean } from './suggest.js';
import { STATE_DIR } from '../base/layout.js';

export const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp', '.bmp']);

export interface PathRules {
  root: string;
  /** Why a path relative to root is not inside the project (insideChecker). */
  outside: (rel: string) => Outside | undefined;
  report: Reporter;
}

/** True when `p` is `base` or inside it (both absolute): the one rule, in inside.ts. */
export { within } from '../base/inside.js';

/** False (and an error reported) when `rel` is absolute or leads outside the project folder. */
export function checkInside(rel: string, path: Path, rules: PathRules): boolean {
  const field = String(path[path.length - 1]);
  const why = rules.outside(rel);
  if (why === 'absolute') {
    rules.report.error(path, `\`${field}\` must be a path relative to the project file, not \`${rel}\``);
  } else if (why === 'outside') {
    rules.report.error(path, `\`${field}\` \`${rel}\` leads outside the project folder`, { hint: 'keep every file inside the folder of aivp.project.yaml' });
  } else if (why === 'symlink') {
    rules.report.error(path, `\`${field}\` \`${rel}\` leads outside the project folder through a symbolic link`, {
      hint: 'copy the file into the project instead of linking to it',
    });
  }
  return why === undefined;
}

/** What is at `p`: a file, a folder, or nothing (missing, or something else). */
export async function kindOf(p: string): Promise<'file' | 'dir' | undefined> {
  try {
    const s = await stat(p);
    return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why the file is not an image aivp reads, from its first bytes (an HTML page saved as .png, an
 * empty or truncated download); undefined when it is one.
 */
export async function notAnImage(p: string): Promise<string | undefined> {
  const fh = await open(p, 'r');
  let head: Buffer;
  try {
    const { bytesRead, buffer } = await fh.read(Buffer.alloc(32), 0, 32, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  return notAnImageHead(head, SOURCE_IMAGE_FORMATS);
}

/** A source `file:` must exist and be an image. */
export async function checkSourceFile(rel: string, path: Path, rules: PathRules): Promise<void> {
  const full = resolve(rules.root, rel);
  const kind = await kindOf(full);
  if (kind === 'file') {
    const why = await notAnImage(full);
    if (why) rules.report.error(path, `source file \`${rel}\` is not an image: ${why}`);
    return;
  }
  if (kind === 'dir') {
    rules.report.error(path, `\`${rel}\` is a folder: use \`dir:\` for a folder of images`);
    return;
  }
  // The hint names the folder the file was looked for in, and a near name there.
  const folder = posix.dirname(rel);
  const where = folder === '.' ? 'the project folder' : `\`${folder}/\``;
  const siblings = await readdir(dirname(full)).catch(() => undefined);
  const near = siblings && closest(posix.basename(rel), siblings);
  const hint = near
    ? `did you mean \`${posix.join(folder, near)}\`? (no \`${posix.basename(rel)}\` in ${where})`
    : siblings
      ? `no \`${posix.basename(rel)}\` in ${where}: add the file there, or give the reference a \`prompt\` to generate it`
      : `${where} does not exist: create it and add the file, or give the reference a \`prompt\` to generate it`;
  rules.report.error(path, `source file \`${rel}\` not found`, { hint });
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
    if (!checkInside(relFile, path, rules)) continue;
    const why = await notAnImage(join(full, name));
    if (why) {
      rules.report.warn(path, `skipping \`${relFile}\`: not an image (${why})`);
      continue;
    }
    files.push(relFile);
  }
  if (files.length === 0) rules.report.warn(path, `folder \`${rel}\` holds no images`);
  return files;
}

/** A new project's .gitignore: caches and keys stay out of git; records and the project file go in. Kept when one exists. */
export async function ensureGitignore(root: string): Promise<void> {
  // `wx` creates it only where nothing is, not even a dangling link (a write would land where it points).
  await writeFile(join(root, '.gitignore'), `${STATE_DIR}/\n.env\n`, { flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
}

/** The film's `audio.file` must exist and be audio. */
export async function checkAudioFile(rel: string, path: Path, rules: PathRules): Promise<void> {
  const full = resolve(rules.root, rel);
  const kind = await kindOf(full);
  if (kind !== 'file') {
    const siblings = await readdir(dirname(full)).catch(() => [] as string[]);
    rules.report.error(path, kind === 'dir' ? `\`${rel}\` is a folder, not an audio file` : `audio file \`${rel}\` not found`, {
      hint: kind === 'dir' ? undefined : (didYouMean(posix.basename(rel), siblings) ?? `add the file under ${posix.dirname(rel) === '.' ? 'the project folder' : `\`${posix.dirname(rel)}/\``}`),
    });
    return;
  }
  const fh = await open(full, 'r');
  try {
    const { bytesRead, buffer } = await fh.read(Buffer.alloc(AUDIO_HEAD_BYTES), 0, AUDIO_HEAD_BYTES, 0);
    if (!audioFormat(buffer.subarray(0, bytesRead))) {
      rules.report.error(path, `\`${rel}\` is not an audio file: ${bytesRead === 0 ? 'it is empty' : 'its content is not MP3, AAC/M4A, WAV, AIFF, FLAC, Ogg or WebM'}`);
    }
  } finally {
    await fh.close();
  }
}
