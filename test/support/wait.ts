// Waiting in tests: on a condition, polled with a bounded timeout, never for a fixed time.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fsClockNs } from '../../src/base/file-stamp.js';

/** Polls `cond` every 10 ms until it holds; fails naming `what` after `timeoutMs`, or at once when `cond` throws. */
export async function until(cond: () => boolean | Promise<boolean>, what: string | (() => string), timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await sleep(10);
  }
}

/**
 * Resolves once the file system's clock (the racy rule's, read in `root`) has passed the last
 * change of `path` (of every file under it, for a folder): their stamps are then trusted.
 */
export async function untilPastRacyWindow(root: string, path = root): Promise<void> {
  const files = (await stat(path)).isDirectory()
    ? (await readdir(path, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name))
    : [path];
  let newest = 0n;
  for (const file of files) {
    const st = await stat(file, { bigint: true });
    for (const t of [st.mtimeNs, st.ctimeNs]) if (t > newest) newest = t;
  }
  await until(async () => (await fsClockNs(root)) > newest, `the file system's clock to pass the last change of ${path}`);
}
