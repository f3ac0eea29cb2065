// A workspace opened from a kept WorkspaceState answers exactly as a fresh one: records changed,
// added, removed, corrupted or turned into links by someone else between two opens are seen.
import { readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWorkspace, WorkspaceState } from '../../src/engine/workspace.js';
import { loadProject } from '../../src/project/load.js';
import { tempDir, tempProject } from '../support/project.js';
import { untilPastRacyWindow } from '../support/wait.js';
import { build, scriptedProvider } from './helpers.js';

const PROJECT = `aivp: 1
name: ws
defaults:
  image: { model: fal-ai/flux/dev, size: landscape }
shots:
  a: { prompt: "one" }
  b: { prompt: "two" }
  c: { prompt: "three" }
`;

/** Opens from the kept state and fresh; both must give the same records and warnings. */
async function same(dir: string, state: WorkspaceState) {
  const project = await loadProject(dir);
  const kept = await openWorkspace(project, undefined, state);
  const fresh = await openWorkspace(project);
  expect([...kept.records]).toEqual([...fresh.records]);
  expect(kept.problems).toEqual(fresh.problems);
  return kept;
}

describe('WorkspaceState', () => {
  it('reads each record file once, then only those that changed, and answers as a fresh open', async () => {
    const dir = await tempProject(PROJECT);
    await build(dir, scriptedProvider());
    const state = new WorkspaceState();
    // Once older than the racy window, a file's stat alone is trusted.
    await untilPastRacyWindow(dir, join(dir, 'metadata'));
    await same(dir, state);
    expect(state.records.filesRead).toBe(3);
    await same(dir, state);
    expect(state.records.filesRead).toBe(3);

    const file = (n: string) => join(dir, 'metadata', `${n}.json`);
    const a = await readFile(file('a'), 'utf8');
    const key = JSON.parse(a).key as string;
    await writeFile(file('a'), a.replace(key, `${key.slice(0, -1)}${key.endsWith('0') ? '1' : '0'}`));
    expect((await same(dir, state)).records.get('a')?.key).not.toBe(key);
    expect(state.records.filesRead).toBe(4);

    await rm(file('b'));
    expect((await same(dir, state)).records.has('b')).toBe(false);

    await writeFile(file('c'), '{ not json');
    expect((await same(dir, state)).problems).toHaveLength(1);
    await writeFile(file('c'), a.replace('"node": "a"', '"node": "c"').replaceAll('keyframes/a.', 'keyframes/c.'));
    expect((await same(dir, state)).records.get('c')?.node).toBe('c');
  });

  it('rejects a kept record whose output became a link out of the project, though its file did not change', async () => {
    const dir = await tempProject(PROJECT);
    const outside = await tempDir();
    await build(dir, scriptedProvider());
    const state = new WorkspaceState();
    await same(dir, state);
    const out = (await openWorkspace(await loadProject(dir))).records.get('a')!.outputs[0].path;
    await rm(join(dir, out));
    await writeFile(join(outside, 'x.png'), 'x');
    await symlink(join(outside, 'x.png'), join(dir, out));
    const ws = await same(dir, state);
    expect(ws.records.has('a')).toBe(false);
    expect(ws.problems.join('\n')).toContain('symbolic link');
  });
});
