// The shipped templates and aivp.project.yaml.example load without errors or warnings.
import { cp, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../../src/project/load.js';
import type { ImageNode } from '../../src/project/types.js';
import { tempProject } from '../support/project.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

describe('templates', async () => {
  const names = (await readdir(join(REPO, 'templates'))).sort();

  it('include short-film and product-ad', () => {
    expect(names).toEqual(expect.arrayContaining(['short-film', 'product-ad']));
  });

  it.each(names)('%s loads cleanly', async (name) => {
    const p = await loadProject(join(REPO, 'templates', name));
    expect(p.warnings).toEqual([]);
    expect(p.nodes.some((n) => n.kind === 'shot')).toBe(true);
    expect(p.nodes.some((n) => n.kind === 'segment')).toBe(true);
  });

  it('short-film chains its shots', async () => {
    const p = await loadProject(join(REPO, 'templates', 'short-film'));
    const shots = p.nodes.filter((n): n is ImageNode => n.kind === 'shot');
    expect(shots.slice(1).every((s, i) => s.input?.name === shots[i].name)).toBe(true);
  });
});

describe('aivp.project.yaml.example', () => {
  it('loads cleanly and uses every kind of node and field', async () => {
    const dir = await tempProject(await readFile(join(REPO, 'aivp.project.yaml.example')));
    await cp(join(REPO, 'examples'), join(dir, 'examples'), { recursive: true });
    const p = await loadProject(dir);
    expect(p.warnings).toEqual([]);
    const images = p.nodes.filter((n): n is ImageNode => n.kind !== 'segment');
    expect(images.some((n) => n.dirFiles?.length)).toBe(true);
    expect(images.some((n) => n.mask)).toBe(true);
    expect(images.some((n) => n.refs.some((r) => r.name.includes('/')))).toBe(true);
    expect(images.some((n) => n.pick > 1)).toBe(true);
    expect(images.some((n) => n.model === 'draft')).toBe(true);
    expect(images.some((n) => n.prompt === undefined && n.input)).toBe(true);
    expect(Object.keys(p.providers).sort()).toEqual(['draft', 'fal', 'google']);
    expect(Object.keys(p.prices)).toHaveLength(3);
    expect(p.nodes.some((n) => n.kind === 'segment' && n.position === 'last')).toBe(true);
  });
});
