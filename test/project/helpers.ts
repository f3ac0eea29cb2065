// Project test kit: temp project folders with tiny images, and error capture.
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import sharp from 'sharp';
import { UsageError } from '../../src/base/errors.js';
import { loadProject } from '../../src/project/load.js';
import type { Diagnostic } from '../../src/base/errors.js';

export async function tinyPng(color = '#336699'): Promise<Buffer> {
  return sharp({ create: { width: 4, height: 4, channels: 3, background: color } }).png().toBuffer();
}

/** A temp folder holding `aivp.project.yaml` and the given files (string or bytes). */
export async function tempProject(yaml: string, files: Record<string, string | Buffer> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'aivp-project-'));
  await writeFile(join(dir, 'aivp.project.yaml'), yaml);
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), content);
  }
  return dir;
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** The diagnostics of the UsageError loadProject throws; fails when it loads. */
export async function loadErrors(dir: string): Promise<Diagnostic[]> {
  const err = await loadProject(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof UsageError)) throw new Error(`expected a UsageError, got ${err === undefined ? 'a loaded project' : String(err)}`);
  return err.diagnostics;
}

/** Every file under `dir`, relative, sorted: to prove nothing was written. */
export async function listTree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.map((e) => relative(dir, join(e.parentPath, e.name))).sort();
}
