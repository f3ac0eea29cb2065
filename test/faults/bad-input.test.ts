// Bad input beyond the loader's corpus (test/fixtures/bad): encodings, resource-exhaustion YAML,
// huge files, non-images and symlinks in reference folders, secrets that must not be echoed.
// Each gets a clear message and the right exit code, never a stack trace, and nothing is spent.
import { existsSync } from 'node:fs';
import { mkdir, open, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { events, runCli, type CliResult } from '../cli/helpers.js';
import { expectNoStack } from '../integration/helpers.js';
import { makeImage } from '../support/images.js';
import { readJson, tempProject } from '../support/project.js';

const OK = 'aivp: 1\nshots:\n  a: { prompt: "x", model: draft }\n';

async function validate(dir: string): Promise<CliResult> {
  const r = await runCli(['-C', dir, 'validate']);
  expectNoStack(r.stderr);
  return r;
}

/** A sparse file of `size` bytes starting with `head`. */
async function bigFile(path: string, head: Buffer, size: number): Promise<void> {
  const fh = await open(path, 'w');
  try {
    await fh.write(head, 0, head.length, 0);
    await fh.truncate(size);
  } finally {
    await fh.close();
  }
}

describe('the project file itself', () => {
  it('UTF-16 is named as such', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(OK, 'utf16le')]);
    const r = await validate(await tempProject(utf16));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('aivp.project.yaml:1:1: not a UTF-8 text file');
  });

  it('binary data is named as such', async () => {
    const r = await validate(await tempProject(Buffer.from([0x00, 0x01, 0x02, 0xff, 0x00, 0x61, 0x3a, 0x20])));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not a UTF-8 text file');
  });

  it('an empty file asks for a mapping starting with aivp: 1', async () => {
    const r = await validate(await tempProject(''));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('must be a mapping that starts with `aivp: 1`');
  });

  it('a YAML alias bomb (billion laughs) is refused as a validation error, not a crash', async () => {
    let yaml = 'aivp: 1\nvars:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 9; i++) yaml += `  a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
    yaml += 'shots:\n  s: { prompt: hi, model: draft }\n';
    const r = await validate(await tempProject(yaml));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/aivp\.project\.yaml:1:1: YAML cannot be loaded: .*alias/);
  });

  it('absurdly deep nesting is a syntax error, not a crash', async () => {
    const r = await validate(await tempProject(`aivp: 1\nshots:\n  s: { prompt: hi, params: { x: ${'['.repeat(20_000)}${']'.repeat(20_000)} } }\n`));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/aivp\.project\.yaml:3:\d+: YAML syntax error/);
  });

  it('a multi-MB project file (a 5 MB prompt) loads and plans', async () => {
    const dir = await tempProject(`aivp: 1\nshots:\n  s: { prompt: "${'word '.repeat(1_000_000)}", model: draft }\n`);
    expect((await validate(dir)).code).toBe(0);
    const plan = await runCli(['-C', dir, 'plan', '--json']);
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.stdout).entries).toHaveLength(1);
  });

  it('a folder where the project file should be, and no project file at all', async () => {
    const dir = await tempProject(OK);
    await rm(join(dir, 'aivp.project.yaml'));
    let r = await validate(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no aivp\.project\.yaml in .*aivp init/);
    await mkdir(join(dir, 'aivp.project.yaml'));
    r = await validate(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read .*aivp\.project\.yaml/);
  });
});

describe('reference files and folders', () => {
  const DIR_PROJECT = 'aivp: 1\nreferences:\n  places: { dir: refs }\nshots:\n  s: { prompt: hi, refs: [places], model: draft }\n';

  it('non-images in a reference folder are skipped with a warning naming each; a 50 MB one too', async () => {
    const dir = await tempProject(DIR_PROJECT, {
      'refs/a.png': await makeImage({ seed: 'a', width: 40, height: 30 }),
      'refs/b.jpg': await makeImage({ seed: 'b', width: 40, height: 30, format: 'jpeg' }),
      'refs/notes.txt': Buffer.from('hello'),
      'refs/page.png': Buffer.from('<!DOCTYPE html><html><body>403 Forbidden</body></html>'),
      'refs/empty.webp': Buffer.alloc(0),
    });
    await bigFile(join(dir, 'refs/noise.jpg'), Buffer.from('not an image at all'), 50 * 1024 * 1024);
    const r = await validate(dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('skipping `refs/notes.txt`: not an image');
    expect(r.stderr).toContain('skipping `refs/page.png`: not an image (it holds HTML or XML)');
    expect(r.stderr).toContain('skipping `refs/empty.webp`: not an image (the file is empty)');
    expect(r.stderr).toContain('skipping `refs/noise.jpg`: not an image');
    expect(r.stderr).not.toContain('refs/a.png');
    expect(r.stderr).not.toContain('refs/b.jpg');

    const build = await runCli(['-C', dir, 'build', '--draft', '--json']);
    expect(build.code, build.stderr).toBe(0);
    expect((await readJson(join(dir, 'metadata/s.json'))).inputs.map((i: any) => i.name)).toEqual(['places/a', 'places/b']);
  });

  it('a 50 MB image in a reference folder is hashed and used without a crash', async () => {
    const dir = await tempProject(DIR_PROJECT);
    await mkdir(join(dir, 'refs'));
    await bigFile(join(dir, 'refs/huge.png'), (await makeImage({ seed: 'h', width: 8, height: 8 })).subarray(0, 33), 50 * 1024 * 1024);
    expect((await validate(dir)).code).toBe(0);
    const build = await runCli(['-C', dir, 'build', '--draft', '--json']);
    expectNoStack(build.stderr);
    expect(build.code, build.stderr).toBe(0);
    expect((await readJson(join(dir, 'metadata/s.json'))).inputs).toHaveLength(1);
  });

  it('a `file:` source that is not an image is an error naming the file', async () => {
    const dir = await tempProject('aivp: 1\nreferences:\n  hero: { file: refs/hero.png }\nshots:\n  s: { prompt: hi, refs: [hero], model: draft }\n', {
      'refs/hero.png': Buffer.from('<html>Access denied</html>'),
    });
    const r = await validate(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/aivp\.project\.yaml:3:\d+: source file `refs\/hero\.png` is not an image: it holds HTML or XML/);
  });

  it('a `file:` source is judged by the full signature of its format, as the provider output check does', async () => {
    // Two letters "BM" are not a BMP, nor "\\x89PNG" without the rest of the PNG signature.
    for (const bytes of [Buffer.from('BMX race notes, take 2\n'), Buffer.from('\x89PNG but then text', 'latin1')]) {
      const dir = await tempProject('aivp: 1\nreferences:\n  hero: { file: refs/hero.png }\nshots:\n  s: { prompt: hi, refs: [hero], model: draft }\n', {
        'refs/hero.png': bytes,
      });
      const r = await validate(dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('source file `refs/hero.png` is not an image');
    }
  });

  it('symlinks: one leading out of a reference folder is an error; dangling ones and loops do not crash', async () => {
    const outside = await tempProject(OK, { 'secret.png': await makeImage({ seed: 'outside', width: 10, height: 10 }) });
    const dir = await tempProject(DIR_PROJECT, { 'refs/a.png': await makeImage({ seed: 'a', width: 20, height: 20 }) });
    await symlink(join(outside, 'secret.png'), join(dir, 'refs/escape.png'));
    await symlink(join(dir, 'refs/missing.png'), join(dir, 'refs/dangling.png'));
    await symlink(join(dir, 'refs/loop.png'), join(dir, 'refs/loop.png'));
    const r = await validate(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('leads outside the project folder through a symbolic link');
    expect(r.stderr).toContain('refs/escape.png');
  });

  it('a reference folder that is itself a symlink out of the project is an error', async () => {
    const outside = await tempProject(OK, { 'imgs/x.png': await makeImage({ seed: 'x', width: 10, height: 10 }) });
    const dir = await tempProject(DIR_PROJECT);
    await symlink(join(outside, 'imgs'), join(dir, 'refs'));
    const r = await validate(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('through a symbolic link');
  });
});

describe('secrets in the file', () => {
  const SECRET = 'sk-live-9f8e7d6c5b4a39281706';

  it('a credential field is refused without echoing its value', async () => {
    const dir = await tempProject(`aivp: 1\nproviders:\n  fal: { api_key: "${SECRET}" }\nshots:\n  s: { prompt: hi, model: draft }\n`);
    const r = await validate(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/aivp\.project\.yaml:3:\d+: `api_key` looks like a credential/);
    expect(r.stderr).not.toContain(SECRET);
  });

  it('a Google key pasted where a list, a name or a field belongs is never echoed', async () => {
    const KEY = 'AIzaSyA0123456789abcdefghijklmnopqrstuv';
    const shot = (fields: string) => tempProject(`aivp: 1\nshots:\n  s: { prompt: hi, model: draft, ${fields} }\n`);
    const results = [
      await validate(await shot(`fallback: ${KEY}`)), // wrong type: the hint quoted the value
      await validate(await shot(`refs: [${KEY}]`)), // unknown name
      await validate(await shot(`input: ${KEY}`)),
      await validate(await shot(`${KEY}: 1`)), // unknown field
      await runCli(['-C', await shot('seed: 1'), 'plan', KEY]), // unknown target
    ];
    for (const r of results) {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('***');
      expect(r.stderr + r.stdout).not.toContain(KEY.slice(0, 12));
    }
  });

  it('a syntax error on a line holding a secret does not quote the line', async () => {
    const dir = await tempProject(`aivp: 1\nshots:\n  s: { prompt: hi, model: draft, gemini_key: "${SECRET}"\n`);
    const r = await validate(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain(SECRET);
  });

  it('a build of a file with a key in it spends nothing and writes nothing', async () => {
    const dir = await tempProject(`aivp: 1\nFAL_KEY: "${SECRET}"\nshots:\n  s: { prompt: hi, model: draft }\n`);
    const r = await runCli(['-C', dir, 'build', '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr + r.stdout).not.toContain(SECRET);
    expect(events(r.stdout).filter((e) => e.type === 'node:start')).toEqual([]);
    expect(existsSync(join(dir, 'metadata'))).toBe(false);
    expect(existsSync(join(dir, '.aivp'))).toBe(false);
  });
});
