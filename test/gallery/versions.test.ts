// Earlier versions through the built CLI: after a prompt edit the gallery lists the output the
// node had before, with the lines that bring it back; putting them back restores it from the
// content cache without a request to the provider. Run `npm run build` first.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, events, runCli } from '../cli/helpers.js';
import { startFakeFal, type FakeFal } from '../fakes/fal-server.js';
import { tempProject } from '../support/project.js';

const PROJECT = `aivp: 1
name: versions
defaults:
  image: { model: fal-ai/flux/dev, size: square }
shots:
  s1:
    prompt: "a lighthouse at dusk"   # first try
    seed: 5
`;

let fake: FakeFal;
let dir: string;
let env: NodeJS.ProcessEnv;
const file = () => join(dir, 'aivp.project.yaml');
const build = async () => {
  const res = await runCli(['-C', dir, 'build', '--json'], { env });
  expect(res.code, res.stderr).toBe(0);
  return events(res.stdout);
};

beforeAll(async () => {
  fake = await startFakeFal();
  dir = await tempProject(PROJECT);
  env = cleanEnv(fake.env({ AIVP_RETRY_BASE_MS: '1' }));
});

afterAll(async () => {
  await fake.close();
});

describe('earlier versions', () => {
  it('are listed with the lines to put back, and putting them back costs nothing', async () => {
    await build();
    await writeFile(file(), PROJECT.replace('"a lighthouse at dusk"   # first try', '"a lighthouse at night"').replace('seed: 5', 'seed: 6'));
    await build();
    expect(fake.submits()).toHaveLength(2);

    expect((await runCli(['-C', dir, 'gallery'], { env })).code).toBe(0);
    const page = await readFile(join(dir, '.aivp/gallery/index.html'), 'utf8');
    const versions = page.slice(page.indexOf('class="versions"'));
    expect(versions).toContain('Earlier versions <span class="count">1</span>');
    expect(versions).toContain('<p class="prompt">a lighthouse at dusk</p>');
    const restore = /<pre class="restore">([^<]*)<\/pre>/.exec(versions)![1]!.replace(/&#34;/g, '"');
    expect(restore).toBe('prompt: "a lighthouse at dusk"\nseed: 5');
    expect(versions).toMatch(/<img src="thumbs\/[0-9a-f]{64}\.webp"/);

    // The user puts the lines back.
    const [prompt, seed] = restore.split('\n');
    await writeFile(file(), PROJECT.replace('prompt: "a lighthouse at dusk"   # first try', prompt!).replace('seed: 5', seed!));
    const restored = await build();
    expect(restored.find((e) => e.type === 'node:done' && e.node === 's1')).toMatchObject({ outcome: 'cached', costUsd: 0 });
    expect(fake.submits()).toHaveLength(2);
  });
});
