// Changing `pick` settles: the downstream key, the upstream record and the file sent all follow the
// current pick, and switching back restores the earlier downstream output from the cache.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../integration/helpers.js';
import { readJson, tempProject } from '../support/project.js';
import { events, runCli } from './helpers.js';

const yaml = (pick: number) => `aivp: 1
name: pick
defaults:
  image: { model: fal-ai/flux/dev, size: 320x240 }
references:
  hero: { prompt: "hero", num_images: 4, pick: ${pick} }
shots:
  s1: { prompt: "shot", refs: [hero] }
`;

async function build(dir: string) {
  const r = await runCli(['-C', dir, 'build', '--draft', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return events(r.stdout).find((e) => e.type === 'build:done').summary;
}

describe('changing pick', () => {
  it('settles after one build, and switching back is free', async () => {
    const dir = await tempProject(yaml(2));
    expect(await build(dir)).toMatchObject({ built: 2 });
    const take = async (n: number) => sha256(await readFile(join(dir, `references/hero_${n}.png`)));

    await writeFile(join(dir, 'aivp.project.yaml'), yaml(3));
    expect(await build(dir)).toMatchObject({ built: 1, uptodate: 1 });
    expect((await readJson(join(dir, 'metadata/hero.json'))).pick).toBe(3);
    expect((await readJson(join(dir, 'metadata/s1.json'))).inputs).toEqual([{ role: 'ref', name: 'hero', sha256: await take(3) }]);
    // The draft shows its reference thumbnails, so the input file sent was take 3 too.
    const s1Take3 = await readFile(join(dir, 'keyframes/s1.png'));

    expect(await build(dir)).toMatchObject({ built: 0, cached: 0, uptodate: 2 });
    const plan = JSON.parse((await runCli(['-C', dir, 'plan', '--draft', '--json'])).stdout);
    expect(plan.entries.map((e: any) => e.status)).toEqual(['uptodate', 'uptodate']);

    await writeFile(join(dir, 'aivp.project.yaml'), yaml(2));
    expect(await build(dir)).toMatchObject({ built: 0, cached: 1, uptodate: 1 });
    expect((await readJson(join(dir, 'metadata/s1.json'))).inputs[0].sha256).toBe(await take(2));
    expect(await readFile(join(dir, 'keyframes/s1.png'))).not.toEqual(s1Take3);
    expect(await build(dir)).toMatchObject({ built: 0, cached: 0, uptodate: 2 });
  });
});
