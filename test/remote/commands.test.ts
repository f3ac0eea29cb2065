// `aivp cache status|push|pull` run by the CLI binary against s3rver, two project folders as two machines.
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { events, runCli } from '../cli/helpers.js';
import { tempProject } from '../support/project.js';
import { teamServices } from './services.js';

const YAML = (s2 = 'She turns') => `aivp: 1
defaults:
  image: { model: fal-ai/flux/dev, size: landscape }
cache:
  remote: s3://team/cmd
references:
  hero: { prompt: "Character sheet", size: square, seed: 7 }
shots:
  s1: { prompt: "On the cliff", refs: [hero], seed: 11, model: fal-ai/nano-banana-pro/edit }
  s2: { prompt: "${s2}", input: s1, seed: 12, model: fal-ai/flux/dev/image-to-image }
  s3: { prompt: "Closer", input: s2, seed: 13, model: fal-ai/flux/dev/image-to-image }
`;

const services = teamServices();
const { env } = services;
const cli = (dir: string, args: string[], e = env()) => runCli(['-C', dir, ...args], { env: e });
const states = async (dir: string) => {
  const r = await cli(dir, ['cache', 'status', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return Object.fromEntries(JSON.parse(r.stdout).entries.map((e: { node: string; state: string }) => [e.node, e.state]));
};
const summaryOf = (stdout: string) => events(stdout).find((e) => e.type === 'build:done')?.summary;

describe('aivp cache', { timeout: 90_000 }, () => {
  it('push seeds the team cache from a project built without it, even from the workspace alone; status shows it', async () => {
    const a = await tempProject(YAML());
    expect((await cli(a, ['build', '--json'], env({ AIVP_CACHE_REMOTE: 'off' }))).code).toBe(0);
    expect(await services.s3.objects()).toEqual([]);
    expect(await states(a)).toEqual({ hero: 'local only', s1: 'local only', s2: 'local only', s3: 'local only' });
    const text = await cli(a, ['cache', 'status']);
    expect(text.stdout).toMatch(/local only +hero +aivp cache push uploads it/);
    expect(text.stdout).toMatch(/0 of 4 nodes in the team cache/);

    // A clone with the outputs and records but no .aivp/: the bytes come from the workspace.
    await rm(join(a, '.aivp'), { recursive: true });
    const push = await cli(a, ['cache', 'push']);
    expect(push.code, push.stderr).toBe(0);
    expect(push.stdout).toMatch(/^pushed 4 node\(s\) \(.+\) to s3:\/\/team\/cmd: hero, s1, s2, s3$/m);
    const keys = (await services.s3.objects()).filter((o) => o.key.startsWith('cmd/keys/'));
    expect(keys).toHaveLength(4);
    expect(await states(a)).toEqual({ hero: 'in team cache', s1: 'in team cache', s2: 'in team cache', s3: 'in team cache' });
    const again = await cli(a, ['cache', 'push']);
    expect(again.stdout).toMatch(/^pushed 0 node\(s\) \(0\.0 kB\)/m);
    expect(again.stdout).toMatch(/already there: hero, s1, s2, s3/);

    const b = await tempProject(YAML());
    expect(await states(b)).toEqual({ hero: 'in team cache', s1: 'in team cache', s2: 'in team cache', s3: 'in team cache' });
    const built = await cli(b, ['build', '--json']);
    expect(summaryOf(built.stdout)).toMatchObject({ built: 0, team: { restored: 4 } });
    expect(services.fal.submissions).toHaveLength(4);
  });

  it('status tells nodes built nowhere and nodes whose inputs are not built yet', async () => {
    const a = await tempProject(YAML());
    await cli(a, ['build', '--json']);
    await writeFile(join(a, 'aivp.project.yaml'), YAML('She turns to the sea'));
    expect(await states(a)).toEqual({ hero: 'in team cache', s1: 'in team cache', s2: 'missing', s3: 'unknown' });
  });

  it('pull fetches what the project needs, and a build with no team cache then restores it all', async () => {
    const a = await tempProject(YAML());
    await cli(a, ['build', '--json']);
    const b = await tempProject(YAML());
    const pull = await cli(b, ['cache', 'pull']);
    expect(pull.code, pull.stderr).toBe(0);
    expect(pull.stdout).toMatch(/^pulled 4 node\(s\) \(.+ kB\) from s3:\/\/team\/cmd into \.aivp\/cache: hero, s1, s2, s3$/m);
    expect(existsSync(join(b, 'keyframes'))).toBe(false);
    const offline = await cli(b, ['build', '--json'], env({ AIVP_CACHE_REMOTE: 'off' }));
    expect(summaryOf(offline.stdout)).toMatchObject({ built: 0, cached: 4, spentUsd: 0 });
    expect(services.fal.submissions).toHaveLength(4);

    await writeFile(join(b, 'aivp.project.yaml'), YAML('Elsewhere'));
    const partial = await cli(b, ['cache', 'pull']);
    expect(partial.stdout).toMatch(/^pulled 0 node\(s\)/m);
    expect(partial.stdout).toMatch(/not in the team cache \(a build generates them\): s2, s3/);
  });

  it('status on a store it cannot reach says so and calls nothing local only', async () => {
    const dir = await tempProject(YAML());
    expect((await cli(dir, ['build', '--json'], env({ AIVP_CACHE_REMOTE: 'off' }))).code).toBe(0);
    const down = env({ AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9', AIVP_REMOTE_TIMEOUT_MS: '500' });
    const text = await cli(dir, ['cache', 'status'], down);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/team cache s3:\/\/team\/cmd unreachable/);
    expect(text.stdout).not.toMatch(/local only/);
    const json = await cli(dir, ['cache', 'status', '--json'], down);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({ remote: 's3://team/cmd', reachable: false, entries: [] });
  });

  it('says what to do without a team cache, and fails (exit 1, one warning) when it is down', async () => {
    const dir = await tempProject(YAML().replace(/cache:\n.*\n/, ''));
    const none = await cli(dir, ['cache', 'status']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no team cache: set `cache.remote: s3:\/\/bucket\/prefix`/);
    const down = await cli(dir, ['cache', 'pull'], env({ AIVP_CACHE_REMOTE: 's3://team/cmd', AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9' }));
    expect(down.code).toBe(1);
    expect(down.stderr.match(/warning: team cache s3:\/\/team\/cmd unavailable/g)).toHaveLength(1);
  });
});
