// Temporary folders and projects for tests, and reading back the JSON a build wrote in them. Each
// folder is removed when the test that made it ends (its beforeEach counts as part of the test);
// one made outside a test, in a beforeAll, when its file's tests end.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, onTestFinished } from 'vitest';

const remove = (dir: string) => rm(dir, { recursive: true, force: true });

const madeOutsideTests: string[] = [];
// Registered when a test file first imports this module, so it runs after that file's tests.
afterAll(() => Promise.all(madeOutsideTests.splice(0).map(remove)));

/** A fresh empty folder. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'aivp-test-'));
  try {
    onTestFinished(() => remove(dir));
  } catch {
    // onTestFinished throws outside a running test.
    madeOutsideTests.push(dir);
  }
  return dir;
}

/** Writes each file (text or bytes) under `dir`, making its folders. */
export async function writeFiles(dir: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), content);
  }
}

/** A fresh folder holding `aivp.project.yaml` and the given files. */
export async function tempProject(yaml: string | Buffer, files: Record<string, string | Buffer> = {}): Promise<string> {
  const dir = await tempDir();
  await writeFiles(dir, { 'aivp.project.yaml': yaml, ...files });
  return dir;
}

/**
 * Makes `dir` a git work tree tracking `tracked` (paths in it): a clone, as far as aivp asks git.
 * A `.env` left untracked there is the user's own.
 */
export function gitInit(dir: string, tracked: string[] = []): void {
  execFileSync('git', ['init', '-q'], { cwd: dir, stdio: 'ignore' });
  if (tracked.length > 0) execFileSync('git', ['add', '--', ...tracked], { cwd: dir, stdio: 'ignore' });
}

export async function readJson(path: string): Promise<any> {
  return JSON.parse(await readFile(path, 'utf8'));
}
