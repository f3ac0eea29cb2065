// The S3 store and the team cache against a tiny S3 stand-in that answers what s3rver cannot:
// 412 and 409 to a conditional PUT. What the real SDK sends is checked on the wire.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NodeRecord } from '../../src/engine/record-types.js';
import { putBlob } from '../../src/engine/store/content-cache.js';
import { createS3Store } from '../../src/remote/s3-store.js';
import { parseRemoteUrl, remoteTarget } from '../../src/project/remote-target.js';
import { createTeamCache } from '../../src/remote/team-cache.js';
import { loadProject } from '../../src/project/load.js';
import { readBody } from '../fakes/http.js';
import { loadErrors } from '../project/helpers.js';
import { sha256 } from '../integration/helpers.js';
import { makeImage } from '../support/images.js';
import { tempDir, tempProject } from '../support/project.js';

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

let server: Server;
let seen: Seen[];
let manifestStatus: number;
let endpoint: string;
let root: string;

beforeEach(async () => {
  seen = [];
  manifestStatus = 412;
  root = await tempDir();
  server = createServer(async (req, res) => {
    await readBody(req);
    seen.push({ method: req.method!, url: req.url!, headers: req.headers });
    const code = manifestStatus === 412 ? 'PreconditionFailed' : 'ConditionalRequestConflict';
    if (req.method === 'PUT' && req.url!.includes('/keys/') && req.headers['if-none-match'] === '*') {
      res.writeHead(manifestStatus, { 'content-type': 'application/xml' });
      res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>`);
    } else if (req.method === 'PUT') {
      res.writeHead(200, { etag: '"x"' });
      res.end();
    } else {
      res.writeHead(404, { 'content-type': 'application/xml' });
      res.end(req.method === 'HEAD' ? undefined : '<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await new Promise((r) => server.close(r));
});

const env = () => ({ AWS_ENDPOINT_URL_S3: endpoint, AWS_ACCESS_KEY_ID: 'test-key-id', AWS_SECRET_ACCESS_KEY: 'test-secret' });
const store = () => createS3Store(parseRemoteUrl('s3://team/cache')!, env());

describe('the manifest is written first-writer-wins', () => {
  it.each([412, 409])('sends If-None-Match: * and takes a %i as "someone else was first"', async (status) => {
    manifestStatus = status;
    expect(await store().putManifest('abc', '{}')).toBe('exists');
    const put = seen.find((s) => s.method === 'PUT')!;
    // Path-style addressing with a custom endpoint: the bucket is in the path, not the host.
    expect(put.url).toMatch(/^\/team\/cache\/keys\/abc\.json/);
    expect(put.headers['if-none-match']).toBe('*');
  });

  it('replacing a record that pointed at bad bytes sends no condition', async () => {
    expect(await store().putManifest('abc', '{}', { overwrite: true })).toBe('written');
    expect(seen.find((s) => s.method === 'PUT')!.headers['if-none-match']).toBeUndefined();
  });

  it('a 412 on publish is no failure: no warning, the blob is sent first', async () => {
    const bytes = await makeImage({ seed: 'a', width: 64, height: 64 });
    const sha = await putBlob(root, bytes);
    const team = createTeamCache(store(), { root });
    const warnings: string[] = [];
    team.attach((m) => warnings.push(m));
    const rec: NodeRecord = {
      aivp: 1, node: 'a', kind: 'shot', key: 'k1', provider: 'fal', model: 'fal-ai/flux/dev', params: {}, inputs: [],
      outputs: [{ path: 'keyframes/a.png', sha256: sha, bytes: bytes.length, mediaType: 'image/png' }],
      pick: 1, costUsd: 0.025, durationMs: 10, createdAt: new Date().toISOString(), restoredAt: new Date().toISOString(),
    };
    team.publish(rec);
    await team.settle();
    expect(warnings).toEqual([]);
    expect(team.off).toBe(false);
    expect(seen.map((s) => `${s.method} ${s.url.split('?')[0]}`)).toEqual([
      `HEAD /team/cache/blobs/${sha}`, `PUT /team/cache/blobs/${sha}`, 'PUT /team/cache/keys/k1.json',
    ]);
    expect(team.stats()).toMatchObject({ uploaded: 0, uploadedBytes: bytes.length });
    expect(sha256(bytes)).toBe(sha);
    // No credential travels but in the signature.
    expect(JSON.stringify(seen)).not.toContain('test-secret');
  });
});

describe('where the team cache is', () => {
  const project = (remote?: string) => ({ cache: { remote } }) as Parameters<typeof remoteTarget>[0];
  it('parses s3://bucket/prefix, the environment wins, and off turns it off', () => {
    expect(parseRemoteUrl('s3://studio-cache/films/cliff/')).toEqual({ bucket: 'studio-cache', prefix: 'films/cliff', url: 's3://studio-cache/films/cliff' });
    expect(parseRemoteUrl('s3://studio-cache')).toEqual({ bucket: 'studio-cache', prefix: '', url: 's3://studio-cache' });
    for (const bad of ['https://x/y', 's3://UPPER/x', 's3://a/x/../y', 's3://ab//c', 's3://a']) expect(parseRemoteUrl(bad), bad).toBeUndefined();
    expect(remoteTarget(project('s3://file-bucket/p'), {})?.bucket).toBe('file-bucket');
    expect(remoteTarget(project('s3://file-bucket/p'), { AIVP_CACHE_REMOTE: 's3://env-bucket' })?.bucket).toBe('env-bucket');
    expect(remoteTarget(project('s3://file-bucket/p'), { AIVP_CACHE_REMOTE: 'off' })).toBeUndefined();
    expect(remoteTarget(project(), {})).toBeUndefined();
    expect(() => remoteTarget(project(), { AIVP_CACHE_REMOTE: 'minio:9000/x' })).toThrow(/is not a team cache location/);
  });
});

describe('cache.remote in the project file', () => {
  it('is loaded as written, and a bad one is an error at its line and column', async () => {
    const good = await tempProject('aivp: 1\ncache:\n  remote: s3://studio-cache/cliff\n');
    expect((await loadProject(good)).cache).toEqual({ remote: 's3://studio-cache/cliff' });
    const bad = await tempProject('aivp: 1\ncache:\n  remote: https://studio-cache/cliff\n  remtoe: x\n');
    const errors = await loadErrors(bad);
    expect(errors.map((e) => [e.line, e.col, e.message])).toEqual([
      [3, 11, '`remote` must be s3://bucket or s3://bucket/prefix (endpoint and credentials come from the AWS environment)'],
      [4, 3, 'unknown field `remtoe`'],
    ]);
    const dots = await tempProject('aivp: 1\ncache: { remote: "s3://studio-cache/a/../b" }\n');
    expect((await loadErrors(dots)).map((e) => e.message)).toEqual(['`remote` has an empty, `.` or `..` segment in its prefix']);
  });
});
