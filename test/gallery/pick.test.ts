// Choosing a take: the text splice keeps every byte but the pick, and choosePick refuses what
// the page may not do (another node kind, out of range, a file edited since the page loaded).
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { choosePick, parsePickRequest, projectHash } from '../../src/gallery/pick.js';
import { pickLocator, setPickText } from '../../src/project/pick-edit.js';
import { tempDir } from '../support/project.js';
import { PICK_YAML } from './fixture.js';

const shot = (name: string) => ({ kind: 'shot' as const, name });

describe('setPickText', () => {
  it('changes the value of an existing pick and nothing else', () => {
    const out = setPickText(PICK_YAML, { kind: 'reference', name: 'hero' }, 3)!;
    expect(out).toBe(PICK_YAML.replace('pick: 2   # the blue one', 'pick: 3   # the blue one'));
  });

  it('adds pick to a flow map in place', () => {
    const out = setPickText(PICK_YAML, { kind: 'style', name: 'style' }, 2)!;
    expect(out).toBe(PICK_YAML.replace('num_images: 2 }   # flow style', 'num_images: 2, pick: 2 }   # flow style'));
  });

  it('adds pick after a block scalar, indented like its siblings', () => {
    const out = setPickText(PICK_YAML, shot('s1'), 3)!;
    expect(out).toBe(PICK_YAML.replace('    num_images: 3\n', '    num_images: 3\n    pick: 3\n'));
    const last = setPickText(PICK_YAML.replace('    num_images: 3\n', ''), shot('s1'), 1)!;
    expect(last).toContain('      on a cliff\n    pick: 1\n  s2:');
  });

  it('finds the line to edit', () => {
    const lineOf = pickLocator(PICK_YAML);
    expect(lineOf({ kind: 'reference', name: 'hero' })).toEqual({ line: 11, hasPick: true });
    expect(lineOf(shot('s1'))).toEqual({ line: 14, hasPick: false });
    expect(lineOf({ kind: 'style', name: 'style' })).toEqual({ line: 12, hasPick: false });
    expect(lineOf(shot('nope'))).toBeUndefined();
  });
});

describe('parsePickRequest', () => {
  const hash = 'a'.repeat(64);
  it('takes exactly node, pick and hash', () => {
    expect(parsePickRequest({ node: 's1', pick: 2, hash })).toEqual({ node: 's1', pick: 2, hash });
    expect(parsePickRequest({ node: 's1', pick: 2, hash, prompt: 'x' })).toMatch(/only `pick` can be changed/);
    expect(parsePickRequest({ node: 's1', prompt: 'x', hash })).toMatch(/only `pick` can be changed/);
    expect(parsePickRequest({ node: 's1', pick: 1.5, hash })).toMatch(/integer/);
    expect(parsePickRequest({ node: '../x', pick: 1, hash })).toMatch(/node name/);
    expect(parsePickRequest({ node: 's1', pick: 1, hash: 'x' })).toMatch(/sha256/);
    expect(parsePickRequest([1])).toMatch(/JSON object/);
  });
});

describe('choosePick', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
  });
  const file = () => path.join(dir, 'aivp.project.yaml');
  const reset = () => writeFile(file(), PICK_YAML);

  it('writes the pick when the page saw this file', async () => {
    await reset();
    const res = await choosePick(dir, { node: 's1', pick: 2, hash: projectHash(PICK_YAML) });
    expect(res).toEqual({ status: 200, message: 's1: pick: 2 written to aivp.project.yaml' });
    expect(await readFile(file(), 'utf8')).toBe(PICK_YAML.replace('    num_images: 3\n', '    num_images: 3\n    pick: 2\n'));
  });

  it.each([
    [{ node: 's1', pick: 4 }, 422, 's1` has 3 takes: pick must be 1 to 3'],
    [{ node: 's1', pick: 0 }, 422, 'pick must be 1 to 3'],
    [{ node: 's2', pick: 2 }, 422, 's2` has 1 take: pick must be 1 to 1'],
    [{ node: 'ghost', pick: 1 }, 422, 'no node `ghost`'],
  ])('refuses %o (%i) and leaves the file alone', async (req, status, message) => {
    await reset();
    const res = await choosePick(dir, { ...req, hash: projectHash(PICK_YAML) });
    expect(res.status).toBe(status);
    expect(res.message).toContain(message);
    expect(await readFile(file(), 'utf8')).toBe(PICK_YAML);
  });

  it('never overwrites an edit made since the page loaded', async () => {
    const edited = PICK_YAML.replace('she turns', 'she turns around');
    await writeFile(file(), edited);
    const res = await choosePick(dir, { node: 's1', pick: 2, hash: projectHash(PICK_YAML) });
    expect(res.status).toBe(409);
    expect(res.message).toContain('reload the page');
    expect(await readFile(file(), 'utf8')).toBe(edited);
  });
});
