// Under a budget, what the estimate cannot price is refused before anything is sent; plan shows it
// as unknown, never $0; a fallback model counts in the worst case.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeFal, type FakeFal } from '../fakes/fal-server.js';
import { expectNoStack, fakeEnv } from '../integration/helpers.js';
import { tempProject } from '../support/project.js';
import { runCli } from './helpers.js';

let fal: FakeFal;
beforeEach(async () => {
  fal = await startFakeFal();
});
afterEach(() => fal.close());

const PROJECT = (extra = '') => `aivp: 1
name: budget
budget: 5
${extra}defaults:
  image: { model: fal-ai/flux/dev, size: 1024x1024 }
shots:
  s1: { prompt: "priced" }
  s2: { prompt: "unpriced", model: fal-ai/recraft/v3/text-to-image }
`;

describe('plan says what build would refuse (built CLI)', () => {
  it('names an estimate over the budget, in text and JSON, and spends nothing', async () => {
    const dir = await tempProject(PROJECT().replace('budget: 5', 'budget: 0.01').replace('  s2: { prompt: "unpriced", model: fal-ai/recraft/v3/text-to-image }\n', ''));
    const text = await runCli(['-C', dir, 'plan'], { env: fakeEnv(fal) });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('over budget: estimated cost $0.03 exceeds the budget of $0.01');
    const json = JSON.parse((await runCli(['-C', dir, 'plan', '--json'], { env: fakeEnv(fal) })).stdout);
    expect(json.overBudget).toContain('exceeds the budget of $0.01');
    expect(fal.requests).toHaveLength(0);
  });
});

describe('budget with unknown prices (built CLI)', () => {
  it('refuses a node without a price before anything is sent, naming it and how to price it', async () => {
    const dir = await tempProject(PROJECT());
    const r = await runCli(['-C', dir, 'build'], { env: fakeEnv(fal) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('s2: no price known for `fal-ai/recraft/v3/text-to-image`');
    expect(r.stderr).toContain('prices: { "fal-ai/recraft/v3/text-to-image": { per_image: USD } }');
    expect(r.stderr).toContain('nothing was generated');
    expectNoStack(r.stderr);
    expect(fal.requests).toHaveLength(0);
    expect(existsSync(join(dir, 'metadata'))).toBe(false);
  });

  it('plan shows the unknown cost as unknown, in text and JSON', async () => {
    const dir = await tempProject(PROJECT());
    const text = await runCli(['-C', dir, 'plan'], { env: fakeEnv(fal) });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^ {2}new +s2 +fal-ai\/recraft\/v3\/text-to-image +unknown$/m);
    expect(text.stdout).toContain('estimated cost $0.03 + unknown');
    expect(text.stdout).toContain('no price known for s2 (`fal-ai/recraft/v3/text-to-image`)');
    const json = JSON.parse((await runCli(['-C', dir, 'plan', '--json'], { env: fakeEnv(fal) })).stdout);
    expect(json.entries.find((e: any) => e.node === 's2').estimateUsd).toBeNull();
    expect(json.unpriced).toEqual([{ node: 's2', model: 'fal-ai/recraft/v3/text-to-image' }]);
  });

  it('builds once the model is priced under prices:', async () => {
    const dir = await tempProject(PROJECT('prices:\n  fal-ai/recraft/v3/text-to-image: { per_image: 0.5 }\n'));
    const r = await runCli(['-C', dir, 'build'], { env: fakeEnv(fal) });
    expect(r.stderr).not.toContain('no price known');
    expect(r.code).toBe(0);
    expect(fal.submits('fal-ai/recraft/v3/text-to-image')).toHaveLength(1);
  });

  it('counts a fallback model in the worst case', async () => {
    const yaml = `aivp: 1
name: fallback
defaults:
  image: { model: fal-ai/flux/schnell, size: 1024x1024 }
shots:
  s1: { prompt: "cheap first", fallback: [fal-ai/nano-banana-pro] }
`;
    const dir = await tempProject(yaml);
    const json = JSON.parse((await runCli(['-C', dir, 'plan', '--json'], { env: fakeEnv(fal) })).stdout);
    expect(json.entries[0].estimateUsd).toBe(0.15);
    expect(json.overBudget).toBeUndefined();
    const r = await runCli(['-C', dir, 'build', '--budget', '0.1'], { env: fakeEnv(fal) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('estimated cost $0.15 exceeds the budget of $0.10');
    expect(fal.requests).toHaveLength(0);
  });
});
