// `.aivp/failures.json`: the error of each node whose latest build failed, so `aivp gallery`
// (a separate run) can show it as failed rather than merely missing.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';

const FILE = join('.aivp', 'failures.json');

export async function readFailures(root: string): Promise<Map<string, string>> {
  try {
    const data: unknown = JSON.parse(await readFile(join(root, FILE), 'utf8'));
    if (!data || typeof data !== 'object') return new Map();
    return new Map(Object.entries(data).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    // Missing or corrupt: no failures to show.
    return new Map();
  }
}

/** Adds this build's failures and forgets nodes it built or restored. */
export async function updateFailures(root: string, failed: Map<string, string>, done: Iterable<string>): Promise<void> {
  const all = await readFailures(root);
  for (const n of done) all.delete(n);
  for (const [n, e] of failed) all.set(n, e);
  await writeFileAtomic(join(root, FILE), `${JSON.stringify(Object.fromEntries(all), null, 2)}\n`);
}
