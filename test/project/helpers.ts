// Project test kit: the loader's errors, and proof that nothing was written.
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { UsageError } from '../../src/base/errors.js';
import { loadProject } from '../../src/project/load.js';
import type { Diagnostic } from '../../src/base/errors.js';

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
