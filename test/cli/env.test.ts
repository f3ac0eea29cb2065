// Settings from the environment and the project's .env, through the built CLI.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeFal, type FakeFal } from '../fakes/fal-server.js';
import { tempProject } from '../support/project.js';
import { cleanEnv, events, runCli } from './helpers.js';

describe('AIVP_RETRY_BASE_MS', () => {
  let fal: FakeFal;
  beforeEach(async () => (fal = await startFakeFal()));
  afterEach(() => fal.close());

  const dotenv = (base: string) => [...Object.entries(fal.env()), ['AIVP_RETRY_BASE_MS', base]].map(([k, v]) => `${k}=${v}`).join('\n');

  it('is read from .env like the keys', async () => {
    const dir = await tempProject('aivp: 1\nshots:\n  s: { prompt: "p", model: fal-ai/flux/dev, size: square }\n');
    await writeFile(join(dir, '.env'), dotenv('3'));
    fal.fail({ on: 'submit', status: 503, times: 1 });
    const r = await runCli(['-C', dir, 'build', '--json'], { env: cleanEnv() });
    expect(r.code, r.stderr).toBe(0);
    // The default base is 1000 ms: a delay this short comes from the .env value.
    expect(events(r.stdout).find((e) => e.type === 'node:retry')?.delayMs).toBeLessThan(100);
  });

  it('that is not a number is a clear error before anything is sent', async () => {
    const dir = await tempProject('aivp: 1\nshots:\n  s: { prompt: "p", model: fal-ai/flux/dev, size: square }\n');
    for (const bad of ['fast', '-5', '1e999']) {
      await writeFile(join(dir, '.env'), dotenv(bad));
      const r = await runCli(['-C', dir, 'build'], { env: cleanEnv() });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`AIVP_RETRY_BASE_MS must be a number of milliseconds (like 1000), not \`${bad}\``);
    }
    expect(fal.requests).toHaveLength(0);
    expect(existsSync(join(dir, 'metadata'))).toBe(false);
  });
});
