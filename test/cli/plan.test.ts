// `aivp plan` output: a header row, reasons that add to the status, every stale input named, and
// what a real build would change after a draft build.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempProject } from '../support/project.js';
import { cleanEnv, runCli } from './helpers.js';

const PROJECT = `aivp: 1
name: plan
defaults:
  image: { model: fal-ai/flux/dev, size: 320x240 }
references:
  hero: { prompt: "hero" }
  villain: { prompt: "villain" }
shots:
  s1: { prompt: "shot", refs: [hero, villain] }
`;

const planJson = async (dir: string, ...args: string[]) => {
  const r = await runCli(['-C', dir, 'plan', '--json', ...args], { env: cleanEnv() });
  expect(r.code, r.stderr).toBe(0);
  return Object.fromEntries(JSON.parse(r.stdout).entries.map((e: any) => [e.node, e]));
};

describe('aivp plan (built CLI)', () => {
  it('has a header row and does not repeat the status as the reason', async () => {
    const dir = await tempProject(PROJECT);
    const r = await runCli(['-C', dir, 'plan'], { env: cleanEnv() });
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^ {2}STATUS +NODE +MODEL +ESTIMATE +WHY$/);
    expect(lines[1]).toMatch(/^ {2}new +hero +fal-ai\/flux\/dev +\$0\.\d+$/);
    expect((await planJson(dir)).s1.reasons).toEqual([]);
  });

  it('after a draft build, a real plan says model changed for every node, downstream too', async () => {
    const dir = await tempProject(PROJECT);
    expect((await runCli(['-C', dir, 'build', '--draft'], { env: cleanEnv() })).code).toBe(0);
    const p = await planJson(dir);
    expect(p.hero.reasons).toEqual(['model changed']);
    expect(p.s1.reasons).toEqual(['model changed', 'input hero will be rebuilt', 'input villain will be rebuilt']);
  });

  it('names every stale input and every other change of a node waiting on its inputs', async () => {
    const dir = await tempProject(PROJECT);
    expect((await runCli(['-C', dir, 'build', '--draft'], { env: cleanEnv() })).code).toBe(0);
    await writeFile(join(dir, 'aivp.project.yaml'), PROJECT.replace('"hero"', '"hero 2"').replace('"villain"', '"villain 2"').replace('"shot"', '"shot 2"'));
    const p = await planJson(dir, '--draft');
    expect(p.s1.status).toBe('stale');
    expect(p.s1.reasons).toEqual(['prompt changed', 'input hero will be rebuilt', 'input villain will be rebuilt']);
  });
});
