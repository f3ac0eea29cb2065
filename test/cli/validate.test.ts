// `aivp validate` through the built CLI (run `npm run build` first): exit 2, `file:line:col: message`
// lines on stderr, no stack trace; exit 0 on a valid project.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { BAD_DIR, badCases, expectedOf } from '../project/corpus.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(REPO, 'dist', 'cli', 'main.js');
const run = promisify(execFile);

async function validate(dir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [MAIN, '-C', dir, 'validate'], {
      env: { ...process.env, NO_COLOR: '1', AIVP_DEBUG: '' },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('aivp validate (built CLI)', () => {
  beforeAll(() => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first`);
  });

  it.concurrent.each(badCases())('%s: exit 2 with every expected error as file:line:col', async (name) => {
    const { code, stderr } = await validate(join(BAD_DIR, name));
    expect(code).toBe(2);
    for (const e of expectedOf(name).errors) {
      const lines = stderr.split('\n').filter((l) => l.startsWith(`aivp.project.yaml:${e.line}:${e.col}: `));
      expect(lines.some((l) => l.includes(e.message)), `${e.line}:${e.col} ${e.message}\n${stderr}`).toBe(true);
    }
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stderr).not.toMatch(/Error:/);
  });

  it('exit 0 on a valid template', async () => {
    const { code, stderr } = await validate(join(REPO, 'templates', 'short-film'));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
