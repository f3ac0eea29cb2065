// Two project folders with separate .aivp/ are two machines sharing one team cache on a real
// S3-protocol server (s3rver), built by the CLI binary through the real AWS SDK against the fake fal.
import { createServer } from 'node:net';
import { createServer as createHttpServer, request, type Server } from 'node:http';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { events, runCli, startCli } from '../cli/helpers.js';
import { S3_SECRET } from '../fakes/s3-server.js';
import { allFiles, checkRecords, sha256 } from '../integration/helpers.js';
import { readJson, tempProject } from '../support/project.js';
import { until } from '../support/wait.js';
import { teamServices } from './services.js';

const YAML = (s2 = 'She turns') => `aivp: 1
name: team
defaults:
  image: { model: fal-ai/flux/dev, size: landscape }
cache:
  remote: s3://team/films/team
references:
  hero: { prompt: "Character sheet, explorer", size: square, seed: 7 }
shots:
  s1: { prompt: "On the cliff", refs: [hero], seed: 11, model: fal-ai/nano-banana-pro/edit }
  s2: { prompt: "${s2}", input: s1, seed: 12, model: fal-ai/flux/dev/image-to-image }
`;
const NODES = ['hero', 's1', 's2'];

const services = teamServices();
const { env } = services;
const build = (dir: string, e = env()) => runCli(['-C', dir, 'build', '--json'], { env: e });
const summaryOf = (stdout: string) => events(stdout).find((e) => e.type === 'build:done')?.summary;
const warningsOf = (stdout: string) => events(stdout).filter((e) => e.type === 'warning').map((e) => e.message as string);

/** Node name -> bytes of each of its outputs, from its record. */
async function outputs(dir: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const n of NODES) {
    const rec = await readJson(join(dir, 'metadata', `${n}.json`));
    out[n] = await Promise.all(rec.outputs.map(async (o: { path: string }) => sha256(await readFile(join(dir, o.path)))));
  }
  return out;
}

// Each test runs several CLI builds; on a loaded machine one build takes a few seconds.
describe('a team cache shared by two machines', { timeout: 90_000 }, () => {
  it("machine B's first build pays nothing and gets byte-identical outputs", async () => {
    const a = await tempProject(YAML());
    const b = await tempProject(YAML());
    const first = await build(a);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(summaryOf(first.stdout)).toMatchObject({ built: 3, team: { restored: 0, uploaded: 3 } });
    expect(services.fal.submissions).toHaveLength(3);
    const stored = await services.s3.objects();
    expect(stored.filter((o) => o.key.startsWith('films/team/keys/'))).toHaveLength(3);
    expect(stored.filter((o) => o.key.startsWith('films/team/blobs/'))).toHaveLength(3);
    for (const o of stored.filter((o) => o.key.includes('/blobs/'))) expect(sha256(o.body)).toBe(o.key.split('/').pop());

    const second = await build(b);
    expect(second.code).toBe(0);
    expect(second.stderr).toBe('');
    expect(services.fal.submissions).toHaveLength(3);
    const done = events(second.stdout).filter((e) => e.type === 'node:done');
    expect(done.map((e) => [e.node, e.outcome, e.from, e.costUsd]).sort()).toEqual(NODES.map((n) => [n, 'cached', 'team', 0]));
    const summary = summaryOf(second.stdout);
    expect(summary).toMatchObject({ built: 0, cached: 3, spentUsd: 0, team: { restored: 3, uploaded: 0, uploadedBytes: 0 } });
    expect(summary.team.downloadedBytes).toBe(stored.filter((o) => o.key.includes('/blobs/')).reduce((n, o) => n + o.body.length, 0));
    expect(await outputs(b)).toEqual(await outputs(a));
    expect(await checkRecords(b)).toEqual(NODES);

    // Recorded like a local restore: the next build is a no-op, and a lost output comes back from the local cache.
    const third = await build(b);
    expect(summaryOf(third.stdout)).toMatchObject({ uptodate: 3, cached: 0, team: { restored: 0, downloadedBytes: 0 } });
    const rec = await readJson(join(b, 'metadata', 's2.json'));
    await rm(join(b, rec.outputs[0].path));
    const offline = await build(b, env({ AIVP_CACHE_REMOTE: 'off' }));
    expect(summaryOf(offline.stdout)).toMatchObject({ cached: 1 });
    expect(summaryOf(offline.stdout).team).toBeUndefined();
    expect(services.fal.submissions).toHaveLength(3);
  });

  it('the plan shows what the team cache will restore, and the human output says so', async () => {
    const a = await tempProject(YAML());
    const b = await tempProject(YAML());
    await build(a);
    const plan = await runCli(['-C', b, 'plan', '--json'], { env: env() });
    expect(plan.code).toBe(0);
    const entries = JSON.parse(plan.stdout).entries;
    expect(entries.map((e: { status: string }) => e.status)).toEqual(['cached', 'cached', 'cached']);
    expect(entries[0].reasons).toContain('restored from the team cache');
    expect(JSON.parse(plan.stdout).estimateUsd).toBe(0);
    const text = await runCli(['-C', b, 'build'], { env: env() });
    expect(text.code).toBe(0);
    expect(text.stderr).toMatch(/cached +s1 -> keyframes\/s1\.png \(from team cache\)/);
    expect(text.stderr).toMatch(/team cache: 3 restored \(.* down\), 0 uploaded/);
  });

  it('an edit paid on one machine is free on the other', async () => {
    const a = await tempProject(YAML());
    const b = await tempProject(YAML());
    await build(a);
    await build(b);
    expect(services.fal.submissions).toHaveLength(3);
    await writeFile(join(a, 'aivp.project.yaml'), YAML('She turns to the sea'));
    const paid = await build(a);
    expect(summaryOf(paid.stdout)).toMatchObject({ built: 1, team: { uploaded: 1 } });
    expect(services.fal.submissions).toHaveLength(4);
    await writeFile(join(b, 'aivp.project.yaml'), YAML('She turns to the sea'));
    const free = await build(b);
    expect(summaryOf(free.stdout)).toMatchObject({ built: 0, cached: 1, uptodate: 2, spentUsd: 0, team: { restored: 1 } });
    expect(services.fal.submissions).toHaveLength(4);
    expect(await outputs(b)).toEqual(await outputs(a));
  });

  it('a tampered blob is refused and regenerated, and the regenerated one replaces its record', async () => {
    const a = await tempProject(YAML());
    await build(a);
    const s1 = await readJson(join(a, 'metadata', 's1.json'));
    const blobKey = `films/team/blobs/${s1.outputs[0].sha256}`;
    const original = (await services.s3.objects()).find((o) => o.key === blobKey)!.body;
    const tampered = Buffer.from(original);
    tampered[tampered.length - 100] ^= 0xff;
    await services.s3.put(blobKey, tampered);
    const b = await tempProject(YAML());
    const run = await build(b);
    expect(run.code).toBe(0);
    const warnings = warningsOf(run.stdout);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/blobs\/[0-9a-f]{64} does not match its hash \(got [0-9a-f]{64}\): refused/);
    // s1 is paid again; the fake's output is deterministic, so s2's key holds and it restores.
    expect(services.fal.submissions.map((s) => s.model)).toEqual(['fal-ai/flux/dev', 'fal-ai/nano-banana-pro/edit', 'fal-ai/flux/dev/image-to-image', 'fal-ai/nano-banana-pro/edit']);
    expect(summaryOf(run.stdout)).toMatchObject({ built: 1, cached: 2, team: { restored: 2, uploaded: 1 } });
    expect(await checkRecords(b)).toEqual(NODES);
    const rec = await readJson(join(b, 'metadata', 's1.json'));
    expect(sha256(await readFile(join(b, rec.outputs[0].path)))).toBe(rec.outputs[0].sha256);
    // Repaired: a third machine restores everything from B's generation.
    const c = await tempProject(YAML());
    const third = await build(c);
    expect(warningsOf(third.stdout)).toEqual([]);
    expect(summaryOf(third.stdout)).toMatchObject({ built: 0, team: { restored: 3 } });
    expect(await outputs(c)).toEqual(await outputs(b));
  });

  it('aivp watch restores from the team cache too', async () => {
    const a = await tempProject(YAML());
    await build(a);
    const b = await tempProject(YAML());
    const { child, done } = startCli(['-C', b, 'watch', '--json'], { env: env() });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    await until(() => summaryOf(out) !== undefined, 'the first watch build', 60_000);
    child.kill('SIGINT');
    await done;
    expect(summaryOf(out)).toMatchObject({ built: 0, cached: 3, team: { restored: 3 } });
    expect(stderr).toMatch(/3 from cache \(3 from team cache\)/);
    expect(services.fal.submissions).toHaveLength(3);
    expect(await outputs(b)).toEqual(await outputs(a));
  });

  it('nothing secret reaches the bucket', async () => {
    const a = await tempProject(YAML());
    await build(a);
    const objects = await services.s3.objects();
    expect(objects.length).toBe(6);
    const secrets = [services.fal.key, ...services.fal.key.split(':'), S3_SECRET, 'AWS_SECRET_ACCESS_KEY', 'FAL_KEY'];
    for (const o of objects) for (const s of secrets) expect(o.body.includes(s), `${o.key} contains ${s}`).toBe(false);
    const manifest = JSON.parse(objects.find((o) => o.key.includes('/keys/'))!.body.toString());
    expect(Object.keys(manifest)).not.toContain('restoredAt');
    expect(manifest.outputs[0]).toMatchObject({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), mediaType: 'image/png' });
  });
});

/** A proxy in front of the store that answers blob GETs a byte a second (headers at once). */
async function tricklingProxy(target: string): Promise<{ env: Record<string, string>; blobGets: () => number; close(): Promise<void> }> {
  let blobGets = 0;
  const server: Server = createHttpServer((req, res) => {
    const up = request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (upRes) => {
      const trickle = req.method === 'GET' && req.url!.includes('/blobs/');
      res.writeHead(upRes.statusCode!, upRes.headers);
      if (!trickle) return void upRes.pipe(res);
      blobGets++;
      upRes.pause();
      const timer = setInterval(() => {
        const b = upRes.read(1);
        if (b) res.write(b);
      }, 1000);
      res.on('close', () => clearInterval(timer));
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    env: { AWS_ENDPOINT_URL_S3: url },
    blobGets: () => blobGets,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

describe('a hostile or slow team cache is bounded', { timeout: 90_000 }, () => {
  it('a manifest with params nested 100,000 deep is reported once and skipped: the node is generated', async () => {
    const a = await tempProject(YAML());
    await build(a);
    const s1 = await readJson(join(a, 'metadata', 's1.json'));
    const deep = `${'{"p":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    const poisoned = JSON.stringify({ ...s1, params: 'DEEP' }).replace('"DEEP"', deep);
    await services.s3.put(`films/team/keys/${s1.key}.json`, poisoned);
    const b = await tempProject(YAML());
    const run = await build(b);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const warnings = warningsOf(run.stdout);
    expect(warnings).toEqual([`team cache s3://team/films/team: keys/${s1.key}.json nests deeper than 32 levels: refused (it will be regenerated and replaced)`]);
    expect(summaryOf(run.stdout)).toMatchObject({ failed: 0, built: 1, cached: 2, team: { restored: 2, uploaded: 1 } });
    // Replaced by the regeneration: the next machine restores it.
    const c = await tempProject(YAML());
    expect(summaryOf((await build(c)).stdout)).toMatchObject({ built: 0, team: { restored: 3 } });
  });

  it('a blob that trickles fails within AIVP_REMOTE_TIMEOUT_MS, and the first Ctrl-C stops it', async () => {
    const a = await tempProject(YAML());
    await build(a);
    const proxy = await tricklingProxy(services.s3.url);
    try {
      const b = await tempProject(YAML());
      const t0 = Date.now();
      const slow = await build(b, env({ ...proxy.env, AIVP_REMOTE_TIMEOUT_MS: '1500' }));
      expect(slow.code).toBe(0);
      expect(proxy.blobGets()).toBeGreaterThan(0);
      expect(warningsOf(slow.stdout)).toEqual([expect.stringMatching(/unavailable \(no answer in time \(deadline \d+\.\d s\)\): building with the local cache only/)]);
      expect(summaryOf(slow.stdout)).toMatchObject({ built: 3, failed: 0 });
      expect(Date.now() - t0).toBeLessThan(30_000);

      const c = await tempProject(YAML());
      const before = proxy.blobGets();
      const { child, done } = startCli(['-C', c, 'build', '--json'], { env: env(proxy.env) });
      await until(() => proxy.blobGets() > before, 'a blob download to start', 30_000);
      const t1 = Date.now();
      child.kill('SIGINT');
      const stopped = await done;
      expect(Date.now() - t1).toBeLessThan(5000);
      expect(stopped.code).toBe(130);
    } finally {
      await proxy.close();
    }
  });
});

describe('a team cache that is down or refuses costs one warning and nothing else', { timeout: 60_000 }, () => {
  async function closedPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    await new Promise((r) => server.close(r));
    return port;
  }

  it.each([
    ['down (a closed port)', async () => ({ AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${await closedPort()}` }), /unavailable \(.*ECONNREFUSED/],
    ['refusing (wrong credentials: 403)', async () => ({ AWS_ACCESS_KEY_ID: 'NOT-A-TEAM-MEMBER' }), /unavailable \(.*HTTP 403/],
  ])('a store %s', async (_what, extra, message) => {
    const dir = await tempProject(YAML());
    const t0 = Date.now();
    const run = await build(dir, env(await extra()));
    const seconds = (Date.now() - t0) / 1000;
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const warnings = warningsOf(run.stdout);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(message);
    expect(warnings[0]).toMatch(/building with the local cache only/);
    expect(summaryOf(run.stdout)).toMatchObject({ built: 3, failed: 0, team: { restored: 0, uploaded: 0 } });
    expect(services.fal.submissions).toHaveLength(3);
    expect(await services.s3.objects()).toEqual([]);
    expect(await allFiles(dir)).toContain('keyframes/s2.png');
    // Bounded: the one failed request, not one per node (each fake job takes milliseconds).
    expect(seconds).toBeLessThan(15);
  });

  it('a bad AIVP_CACHE_REMOTE is a usage error before anything is spent', async () => {
    const dir = await tempProject(YAML());
    const run = await build(dir, env({ AIVP_CACHE_REMOTE: 'https://team.example/cache' }));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/AIVP_CACHE_REMOTE="https:\/\/team.example\/cache" is not a team cache location: write it as s3:\/\/bucket/);
    expect(services.fal.submissions).toHaveLength(0);
  });
});
