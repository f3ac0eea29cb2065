// One-off commands check their arguments before the key: a bad argument is reported as itself
// (exit 2), and only good arguments without a key get the missing-key message (exit 2, nothing sent).
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeFiles } from '../support/project.js';
import { cleanEnv, runCli } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
  await writeFiles(dir, { 'in.png': 'not sent' });
});

const run = (args: string[]) => runCli(['-C', dir, ...args], { env: cleanEnv(), cwd: dir });

describe('one-off commands without a key (built CLI)', () => {
  it('report a bad argument, not the missing key', async () => {
    const cases: [string[], string][] = [
      [['generate', '-p', 'x', '--size', 'huge'], 'bad --size "huge"'],
      [['generate', '-p', 'x', '-m', 'no-such-model'], 'unknown model "no-such-model"'],
      [['generate', '-p', 'x', '--file', 'missing.png'], 'cannot read'],
      [['edit', '-p', 'x'], 'edit needs --image-url or --file'],
      [['edit', '-p', 'x', '--file', 'in.png', '--mask', 'nomask.png'], 'nomask.png'],
      [['upload', 'missing.png'], 'cannot read'],
      [['generate', '-p', 'x', '--seed', 'abc'], "option '--seed <n>' argument 'abc' is invalid"],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(message);
      expect(r.stderr, args.join(' ')).not.toContain('FAL_KEY');
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
