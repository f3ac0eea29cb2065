// One-off commands check their arguments before the key: a bad argument is reported as itself
// (exit 2), and only good arguments without a key get the missing-key message (exit 2, nothing sent).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeFal, type FakeFal } from '../fakes/fal-server.js';
import { makeImage } from '../support/images.js';
import { tempDir, writeFiles } from '../support/project.js';
import { cleanEnv, runCli } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
  await writeFiles(dir, { 'in.png': await makeImage({}), 'text.png': 'not an image' });
});

const run = (args: string[]) => runCli(['-C', dir, ...args], { env: cleanEnv(), cwd: dir });

describe('one-off commands without a key (built CLI)', () => {
  it('report a bad argument, not the missing key', async () => {
    const cases: [string[], string][] = [
      [['generate', '-p', 'x', '--size', 'huge'], 'bad --size "huge"'],
      [['generate', '-p', 'x', '-m', 'no-such-model'], 'unknown model "no-such-model"'],
      [['generate', '-p', 'x', '-m', 'fal-ai/nano-banana-pr'], 'unknown model "fal-ai/nano-banana-pr": did you mean `fal-ai/nano-banana-pro`?'],
      [['generate', '-p', 'x', '--file', 'missing.png'], `${join(dir, 'missing.png')} does not exist (nothing was sent)`],
      [['generate', '-p', 'x', '--file', 'text.png'], `${join(dir, 'text.png')} is not an image`],
      [['edit', '-p', 'x'], 'edit needs --image-url or --file'],
      [['edit', '-p', 'x', '--file', 'in.png', '--mask', 'nomask.png'], 'nomask.png does not exist'],
      [['upload', 'missing.png'], `aivp: ${join(dir, 'missing.png')} does not exist (nothing was sent)`],
      [['upload', 'text.png'], 'is not an image: its content is not PNG, JPEG, GIF, WebP or BMP (nothing was sent)'],
      [['generate', '-p', 'x', '--seed', 'abc'], "option '--seed <n>' argument 'abc' is invalid"],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(message);
      expect(r.stderr, args.join(' ')).not.toContain('FAL_KEY');
      expect(r.stderr, args.join(' ')).not.toContain('ENOENT');
    }
  });

  it('name the missing key once the arguments are good', async () => {
    for (const args of [['generate', '-p', 'x'], ['edit', '-p', 'x', '--file', 'in.png'], ['upload', 'in.png']]) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('fal.ai models need FAL_KEY');
      expect(r.stderr).toContain('nothing was sent');
    }
  });
});

describe('one-off commands on fal (built CLI, fake fal)', () => {
  let fake: FakeFal;
  beforeAll(async () => {
    fake = await startFakeFal();
  });
  afterAll(async () => {
    await fake.close();
  });
  const runIn = (cwd: string, args: string[]) => runCli(args, { env: cleanEnv(fake.env() as Record<string, string>), cwd });

  it('outside a project create no .aivp/ where they run; in one, uploads are remembered in .aivp/uploads.json', async () => {
    const loose = await tempDir();
    await writeFiles(loose, { 'in.png': await makeImage({}) });
    const r = await runIn(loose, ['upload', 'in.png']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^http:\/\/127\.0\.0\.1/);
    expect(existsSync(join(loose, '.aivp'))).toBe(false);

    const project = await tempDir();
    await writeFiles(project, { 'aivp.project.yaml': 'aivp: 1\n', 'in.png': await makeImage({ colour: '#123456' }) });
    const p = await runIn(project, ['upload', 'in.png']);
    expect(p.code, p.stderr).toBe(0);
    expect(await readFile(join(project, '.aivp', 'uploads.json'), 'utf8')).toContain(p.stdout.trim());
  });

  it('say where -o saved the image, and warn about an id aivp does not know', async () => {
    const loose = await tempDir();
    const r = await runIn(loose, ['generate', '-p', 'x', '-m', 'fal-ai/cogview4', '-o', 'out.png']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).images[0]).toMatchObject({ url: expect.stringMatching(/^http:/), path: join(loose, 'out.png') });
    expect(existsSync(join(loose, 'out.png'))).toBe(true);
    expect(r.stderr).toBe('aivp: warning: model "fal-ai/cogview4" is not in aivp\'s model table: generic input mapping and no cost estimate\n');
  });
});
