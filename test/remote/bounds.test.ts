// What a hostile or broken store can send, against the real SDK on a small local HTTP server: a
// record too large to read, one nested too deep, one naming a take that is not media, and a blob
// that trickles. Each is refused within its bound: one warning, then a miss.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { NodeRecord } from '../../src/engine/record-types.js';
import { checkManifest, MAX_MANIFEST_BYTES } from '../../src/remote/manifest.js';
import { BadObject, createS3Store, RemoteError, type RemoteStore } from '../../src/remote/s3-store.js';
import { parseRemoteUrl } from '../../src/project/remote-target.js';
import { createTeamCache } from '../../src/remote/team-cache.js';
import { tempDir } from '../support/project.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const storeAt = (endpoint: string, timeoutMs?: number) =>
  createS3Store(parseRemoteUrl('s3://team/cache')!, { AWS_ENDPOINT_URL_S3: endpoint, AWS_ACCESS_KEY_ID: 'id', AWS_SECRET_ACCESS_KEY: 'secret' }, { timeoutMs });

const SHA = 'a'.repeat(64);
const record = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  aivp: 1, node: 'a', kind: 'shot', key: 'k1', provider: 'fal', model: 'fal-ai/flux/dev', params: { size: 'landscape' }, inputs: [],
  outputs: [{ path: 'keyframes/a.png', sha256: SHA, bytes: 10, mediaType: 'image/png' }],
  pick: 1, costUsd: 0.025, durationMs: 10, createdAt: '2025-01-01T00:00:00.000Z', ...extra,
});

/** Answers every request for `keys/` with `body` (a function of the response, to stream), 404 to the rest; counts bytes sent. */
function streaming(write: (res: ServerResponse) => void) {
  return (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    if (req.url!.includes('/keys/')) return write(res);
    res.writeHead(404, { 'content-type': 'application/xml' });
    res.end('<Error><Code>NoSuchKey</Code></Error>');
  };
}

describe('a team manifest is bounded before it is parsed', () => {
  it('a 400 MB one is refused by its size, without being read whole', async () => {
    let sent = 0;
    const endpoint = await serve(
      streaming((res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': 400_000_000 });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const pump = () => {
          while (!res.destroyed && sent < 400_000_000 && res.write(chunk)) sent += chunk.length;
        };
        res.on('drain', pump);
        pump();
      }),
    );
    await expect(storeAt(endpoint).getManifest('k1')).rejects.toThrow(BadObject);
    await expect(storeAt(endpoint).getManifest('k1')).rejects.toThrow(/keys\/k1\.json is 400000000 bytes \(a record is at most 1048576\)/);
    expect(sent).toBeLessThan(16 * 1024 * 1024);
  });

  it('one sent without a length is cut off at the bound', async () => {
    let sent = 0;
    const endpoint = await serve(
      streaming((res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const pump = () => {
          while (!res.destroyed && sent < 400_000_000 && res.write(chunk)) sent += chunk.length;
        };
        res.on('drain', pump);
        res.on('close', () => res.off('drain', pump));
        pump();
      }),
    );
    await expect(storeAt(endpoint).getManifest('k1')).rejects.toThrow(/keys\/k1\.json is over 1048576 bytes/);
    expect(sent).toBeLessThan(16 * 1024 * 1024);
  });

  it('the team cache reports a bad one once and takes it as a miss', async () => {
    const texts: Record<string, string> = {
      big: 'x'.repeat(MAX_MANIFEST_BYTES + 1),
      deep: `{"aivp":1,"node":"a","kind":"shot","key":"deep","params":${'{"p":'.repeat(100_000)}1${'}'.repeat(100_000)}}`,
      good: JSON.stringify(record({ key: 'good' })),
    };
    const store: RemoteStore = {
      url: 's3://team/cache',
      hasBlob: async () => false,
      getBlob: async () => undefined,
      putBlob: async () => undefined,
      getManifest: async (key) => texts[key],
      putManifest: async () => 'written',
    };
    const team = createTeamCache(store, { root: await tempDir() });
    const warnings: string[] = [];
    team.attach((m) => warnings.push(m));
    expect(await team.lookup('deep')).toBeUndefined();
    expect(await team.lookup('deep')).toBeUndefined();
    expect(await team.lookup('big')).toBeUndefined();
    expect(warnings).toEqual(['team cache s3://team/cache: keys/deep.json nests deeper than 32 levels: refused (it will be regenerated and replaced)']);
    expect(await team.lookup('good')).toMatchObject({ key: 'good', model: 'fal-ai/flux/dev' });
  });
});

describe('a team manifest is checked field by field and copied', () => {
  it('keeps the fields aivp knows and nothing else, in fresh objects', () => {
    const text = `{"__proto__":{"polluted":1},${JSON.stringify(record({ extra: { big: 'x' }, params: { size: 'landscape', __proto__: { x: 1 } } })).slice(1)}`;
    const rec = checkManifest(text, 'k1') as NodeRecord;
    expect(typeof rec).toBe('object');
    expect(Object.keys(rec).sort()).toEqual(['aivp', 'costUsd', 'createdAt', 'durationMs', 'inputs', 'key', 'kind', 'model', 'node', 'outputs', 'params', 'pick', 'provider']);
    expect(Object.getPrototypeOf(rec)).toBe(Object.prototype);
    expect((rec as unknown as Record<string, unknown>).polluted).toBeUndefined();
    expect(rec.params).toEqual({ size: 'landscape' });
  });

  it.each([
    ['a take that is not media', { outputs: [{ path: 'keyframes/a_2.html', sha256: SHA, bytes: 10, mediaType: 'image/png' }] }, /keyframes\/a_2\.html` that is not a image\/png file aivp writes/],
    ['a media type the extension denies', { outputs: [{ path: 'keyframes/a.png', sha256: SHA, bytes: 10, mediaType: 'text/html' }] }, /not a text\/html file/],
    ['a cost that is not a number', { costUsd: '0.02' }, /bad `costUsd`/],
    ['a model that is not a string', { model: { toString: 1 } }, /bad `model`/],
    ['a prompt that is not a string', { prompt: ['x'] }, /bad `prompt`/],
    ['a time that is not a time', { createdAt: 12 }, /bad `createdAt`/],
    ['a seed that is not an integer', { seed: 1.5 }, /bad `seed`/],
    ['params nested past the bound', { params: JSON.parse(`${'{"p":'.repeat(40)}1${'}'.repeat(40)}`) }, /nests deeper than 32 levels/],
  ])('refuses %s', (_what, extra, why) => {
    expect(checkManifest(JSON.stringify(record(extra)), 'k1')).toMatch(why);
  });
});

describe('every transfer has a deadline and stops on the signal', () => {
  /** A store whose blob GETs answer a byte at a time, every `everyMs`. */
  async function trickling(everyMs: number): Promise<{ endpoint: string; started: () => boolean }> {
    let started = false;
    const endpoint = await serve((req, res) => {
      req.resume();
      started = true;
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': 1000 });
      const timer = setInterval(() => res.write('x'), everyMs);
      res.on('close', () => clearInterval(timer));
    });
    return { endpoint, started: () => started };
  }

  it('a blob that trickles fails within its deadline', async () => {
    const { endpoint } = await trickling(200);
    const t0 = Date.now();
    await expect(storeAt(endpoint, 500).getBlob(SHA, 1000)).rejects.toThrow(RemoteError);
    expect(Date.now() - t0).toBeLessThan(3000);
    await expect(storeAt(endpoint, 500).getBlob(SHA, 1000)).rejects.toThrow(/no answer in time \(deadline 0\.5 s\)/);
  });

  it('the deadline comes from AIVP_REMOTE_TIMEOUT_MS, and a bad value is a usage error', async () => {
    const { endpoint } = await trickling(200);
    const env = { AWS_ENDPOINT_URL_S3: endpoint, AWS_ACCESS_KEY_ID: 'id', AWS_SECRET_ACCESS_KEY: 'secret' };
    const t0 = Date.now();
    await expect(createS3Store(parseRemoteUrl('s3://team/cache')!, { ...env, AIVP_REMOTE_TIMEOUT_MS: '400' }).hasBlob(SHA)).rejects.toThrow(/deadline 0\.4 s/);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(() => createS3Store(parseRemoteUrl('s3://team/cache')!, { ...env, AIVP_REMOTE_TIMEOUT_MS: 'soon' })).toThrow(/AIVP_REMOTE_TIMEOUT_MS must be a number of milliseconds/);
  });

  it('the signal stops a transfer at once, and the team cache goes off without a warning', async () => {
    const { endpoint, started } = await trickling(200);
    const team = createTeamCache(storeAt(endpoint, 60_000), { root: await tempDir() });
    const warnings: string[] = [];
    const controller = new AbortController();
    team.attach((m) => warnings.push(m), controller.signal);
    const fetching = team.fetchBlob({ path: 'keyframes/a.png', sha256: SHA, bytes: 1000, mediaType: 'image/png' });
    while (!started()) await new Promise((r) => setTimeout(r, 10));
    const t0 = Date.now();
    controller.abort();
    expect(await fetching).toBe(false);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(team.off).toBe(true);
    expect(warnings).toEqual([]);
  });
});
