// `aivp init` leaves a project whose `$schema` line resolves right away, and says what to do next
// exactly as the README's quick start does; a bare `aivp` is a usage error.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/project.js';
import { REPO, runCli } from './helpers.js';

describe('aivp init (built CLI)', () => {
  it('writes a $schema line that resolves to aivp\'s schema inside the new project', async () => {
    const root = await tempDir();
    for (const t of ['short-film', 'product-ad']) {
      const dir = join(root, t);
      expect((await runCli(['init', dir, '--template', t])).code).toBe(0);
      const file = join(dir, 'aivp.project.yaml');
      const first = (await readFile(file, 'utf8')).split('\n')[0];
      const m = /^# yaml-language-server: \$schema=(.+)$/.exec(first);
      expect(m, first).not.toBeNull();
      const schema = resolve(dirname(file), m![1]);
      expect(schema.startsWith(dir)).toBe(true);
      expect(existsSync(schema)).toBe(true);
      expect(JSON.parse(await readFile(schema, 'utf8'))).toEqual(JSON.parse(await readFile(join(REPO, 'schemas/aivp.project.schema.json'), 'utf8')));
    }
  });

  it('prints the README quick start as its next steps', async () => {
    const root = await tempDir();
    const r = await runCli(['init', 'my-film'], { cwd: root });
    expect(r.code).toBe(0);
    const steps = r.stdout.split('\n').filter((l) => l.startsWith('  ')).map((l) => l.trim());
    expect(steps[0]).toBe('cd my-film');
    const readme = await readFile(join(REPO, 'README.md'), 'utf8');
    const quick = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('## The project file'));
    const commands = [...quick.matchAll(/^(aivp [^#\n]*?|cd [^#\n]*?)\s*(#.*)?$/gm)].map((m) => m[1].trim());
    expect(commands.slice(0, steps.length + 1)).toEqual(['aivp init my-film', ...steps]);
    expect(r.stdout).toContain('Then set the key its models need (`aivp plan` names any that is missing), then run `aivp build`.');
  });

  it('a bare aivp prints the help on stderr and exits 2; `aivp --help` exits 0', async () => {
    const bare = await runCli([]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('Usage: aivp');
    expect(bare.stdout).toBe('');
    expect((await runCli(['--help'])).code).toBe(0);
    expect((await runCli(['help'])).code).toBe(0);
  });
});
