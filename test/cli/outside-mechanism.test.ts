// The mechanism, not the reported cases: every path the state layout names, every configured
// folder, the records and the outputs is replaced in turn by a link leading out (to a folder or a
// file in another temporary folder) and by a FIFO, and each command runs on the project. Nothing
// outside may change, no command may hang, and none may crash (exit 1 with a stack).
// New state files join STATE_FOLDERS or LAYOUT in src/base/layout.ts, and so this test.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { cp, lstat, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAYOUT, STATE_FOLDERS } from '../../src/base/layout.js';
import { tempDir, tempProject, writeFiles } from '../support/project.js';
import { startCli, type CliResult } from './helpers.js';

const PROJECT = `aivp: 1
name: tiny
defaults:
  image: { model: draft, size: 320x180 }
  video: { model: draft }
shots:
  a: { prompt: "first" }
  b: { prompt: "second", input: a }
segments:
  one: { keyframes: [a, b], duration: 1, prompt: "one" }
film: {}
`;

const COMMANDS = [['build', '--draft'], ['plan'], ['gallery'], ['clean', '--yes'], ['gc', '--yes'], ['validate']];
/** A draft command here takes well under a second; a hang is anything past this. */
const COMMAND_TIMEOUT_MS = 15_000;

const posix = (p: string) => p.split(sep).join('/');

/** Every file under `dir` (links and FIFOs as such, not followed) with what it holds. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (rel: string): Promise<void> => {
    for (const name of await readdir(join(dir, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      const st = await lstat(join(dir, r));
      if (st.isDirectory()) await walk(r);
      else out[r] = st.isFile() ? createHash('sha256').update(await readFile(join(dir, r))).digest('hex') : `mode ${st.mode}`;
    }
  };
  await walk('');
  return out;
}

/** Runs the CLI, killing it past the timeout (reported as a hang). */
async function runBounded(args: string[]): Promise<CliResult & { hung: boolean }> {
  const { child, done } = startCli(args);
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    child.kill('SIGKILL');
  }, COMMAND_TIMEOUT_MS);
  const r = await done;
  clearTimeout(timer);
  return { ...r, hung };
}

/** The paths to substitute: the layout's, the configured folders, a record, the outputs, a key record and a blob folder. */
async function targets(built: string): Promise<{ path: string; folder: boolean }[]> {
  const keys = (await readdir(join(built, LAYOUT.cache, 'keys'))).filter((n) => n.endsWith('.json'));
  const prefixes = (await readdir(join(built, LAYOUT.cache, 'blobs'))).filter((n) => /^[0-9a-f]{2}$/.test(n));
  const folders = [...STATE_FOLDERS.map(posix), `${posix(LAYOUT.cache)}/blobs/${prefixes[0]}`, 'metadata', 'keyframes', 'segments', 'references', 'film'];
  const files = [
    ...[LAYOUT.statCache, LAYOUT.failures, LAYOUT.lock, LAYOUT.uploads, LAYOUT.fastPath].map(posix),
    `${posix(LAYOUT.cache)}/keys/${keys[0]}`,
    'metadata/a.json',
    'metadata/film.json',
    'keyframes/a.png',
    'segments/one.mp4',
    'film/tiny.mp4',
  ];
  return [...folders.map((path) => ({ path, folder: true })), ...files.map((path) => ({ path, folder: false }))];
}

describe('nothing outside the project, whatever a clone puts in place of aivp’s own paths', () => {
  it('an outward link or a FIFO at any state path, folder or output: nothing outside changes, no command hangs or crashes', async () => {
    const built = await tempProject(PROJECT, { 'references/.keep': '' });
    const first = await runBounded(['-C', built, 'build', '--draft']);
    expect(first.code, first.stderr).toBe(0);
    // Failures and uploads exist only after a failed build or a fal upload: stand-ins of the right shape.
    await writeFiles(built, { [LAYOUT.failures]: '{}\n', [LAYOUT.uploads]: '{}\n' });

    const outside = await tempDir();
    await writeFiles(outside, { 'dir/victim.png': 'not the project’s', 'file.json': '{"aivp":1}\n' });
    const before = await snapshot(outside);

    const failures: string[] = [];
    const cases = (await targets(built)).flatMap(({ path, folder }) => (['link', 'fifo', ...(folder ? [] : ['zero'])] as const).map((kind) => ({ path, folder, kind })));
    // Two at a time: each case is its own copy of the project.
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < cases.length) {
        const { path, folder, kind } = cases[next++];
        const dir = await tempDir();
        await cp(built, dir, { recursive: true, verbatimSymlinks: true });
        const at = join(dir, path);
        await rm(at, { recursive: true, force: true });
        if (kind === 'link') await symlink(join(outside, folder ? 'dir' : 'file.json'), at);
        else if (kind === 'zero') await symlink('/dev/zero', at);
        else execFileSync('mkfifo', [at]);
        for (const args of COMMANDS) {
          const r = await runBounded(['-C', dir, ...args]);
          const what = `${path} as ${kind}, aivp ${args.join(' ')}`;
          if (r.hung) failures.push(`${what}: hung`);
          else if (r.signal || (r.code !== 0 && r.code !== 2) || /\n\s+at /.test(r.stderr)) failures.push(`${what}: exit ${r.code ?? r.signal}: ${r.stderr.trim().split('\n').slice(0, 2).join(' | ')}`);
        }
        await rm(dir, { recursive: true, force: true });
      }
    };
    await Promise.all([worker(), worker()]);
    const after = await snapshot(outside);
    expect(after).toEqual(before);
    expect(failures).toEqual([]);
  }, 900_000);
});
