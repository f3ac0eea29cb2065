// Settings from the environment and the project's .env, through the built CLI.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeFal, type FakeFal } from '../fakes/fal-server.js';
import { tempProject } from '../support/project.js';
import { cleanEnv, events, runCli, startCli, type CliResult } from './helpers.js';

describe('AIVP_RETRY_BASE_MS', () => {
  let fal: FakeFal;
  beforeEach(async () => (fal = await startFakeFal()));
  afterEach(() => fal.close());

  // The fake's proxy comes from the shell: a `.env` outside a git work tree may not choose it.
  const dotenv = (base: string) => `AIVP_RETRY_BASE_MS=${base}\n`;

  it('is read from .env like the keys', async () => {
    const dir = await tempProject('aivp: 1\nshots:\n  s: { prompt: "p", model: fal-ai/flux/dev, size: square }\n');
    await writeFile(join(dir, '.env'), dotenv('3'));
    fal.fail({ on: 'submit', status: 503, times: 1 });
    const r = await runCli(['-C', dir, 'build', '--json'], { env: cleanEnv(fal.env()) });
    expect(r.code, r.stderr).toBe(0);
    // The default base is 1000 ms: a delay this short comes from the .env value.
    expect(events(r.stdout).find((e) => e.type === 'node:retry')?.delayMs).toBeLessThan(100);
  });

  it('that is not a number is a clear error before anything is sent', async () => {
    const dir = await tempProject('aivp: 1\nshots:\n  s: { prompt: "p", model: fal-ai/flux/dev, size: square }\n');
    for (const bad of ['fast', '-5', '1e999']) {
      await writeFile(join(dir, '.env'), dotenv(bad));
      const r = await runCli(['-C', dir, 'build'], { env: cleanEnv(fal.env()) });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`AIVP_RETRY_BASE_MS must be a number of milliseconds (like 1000), not \`${bad}\``);
    }
    expect(fal.requests).toHaveLength(0);
    expect(existsSync(join(dir, 'metadata'))).toBe(false);
  });
});

describe('.env is read as a regular file of bounded size', () => {
  let fal: FakeFal;
  beforeEach(async () => (fal = await startFakeFal()));
  afterEach(() => fal.close());

  /** The build within 15 s, or null: a hang is a failure, not a stuck test run. */
  async function build(dir: string): Promise<CliResult | null> {
    const { child, done } = startCli(['-C', dir, 'build'], { env: cleanEnv(fal.env()) });
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const r = await done;
    clearTimeout(timer);
    return r.signal === 'SIGKILL' ? null : r;
  }

  it.each([
    ['a FIFO', (p: string) => execFileSync('mkfifo', [p]), 'is not a regular file'],
    ['a link to /dev/zero', (p: string) => symlink('/dev/zero', p), 'is a symbolic link'],
    ['a 2 MB file', (p: string) => writeFile(p, `A=${'x'.repeat(2 * 1024 * 1024)}\n`), 'is larger than 1 MB'],
  ] as const)('%s at .env is a clear error, not a hang or a crash', async (_, make, message) => {
    const dir = await tempProject('aivp: 1\nshots:\n  s: { prompt: "p", model: fal-ai/flux/dev, size: square }\n');
    await make(join(dir, '.env'));
    const r = await build(dir);
    expect(r, 'the build hung').not.toBeNull();
    expect(r!.code, r!.stderr).toBe(2);
    expect(r!.stderr).toContain(message);
    expect(fal.requests).toHaveLength(0);
  });
});
