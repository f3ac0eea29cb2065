import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blobPath, gc, getKeyRecord, hasBlob, putBlob, putKeyRecord, restoreBlob } from '../../src/engine/store/content-cache.js';
import { tempDir } from '../support/project.js';
import { sampleRecord } from './helpers.js';

const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

describe('content cache', () => {
  it('stores files and buffers by sha256 as private copies', async () => {
    const root = await tempDir();
    const src = join(root, 'shot.png');
    await writeFile(src, 'pixels');
    const fromFile = await putBlob(root, src);
    expect(fromFile).toBe(sha('pixels'));
    expect(await putBlob(root, Buffer.from('pixels'))).toBe(fromFile);
    expect(await putBlob(root, src, fromFile)).toBe(fromFile);
    expect(await hasBlob(root, fromFile)).toBe(true);
    expect(await hasBlob(root, sha('other'))).toBe(false);
    const blob = blobPath(root, fromFile);
    expect(blob).toBe(join(root, '.aivp', 'cache', 'blobs', fromFile.slice(0, 2), fromFile));
    expect((await stat(blob)).ino).not.toBe((await stat(src)).ino);
    await writeFile(src, 'hand-edited');
    expect(await readFile(blob, 'utf8')).toBe('pixels');
    expect(await readdir(join(root, '.aivp', 'cache', 'blobs', 'incoming'))).toEqual([]);
  });

  it('checks a given sha256 instead of trusting it', async () => {
    const root = await tempDir();
    await expect(putBlob(root, Buffer.from('abc'), sha('xyz'))).rejects.toThrow(/expected sha256/);
    expect(await hasBlob(root, sha('abc'))).toBe(false);
    expect(await hasBlob(root, sha('xyz'))).toBe(false);
  });

  it('restores a blob to a workspace path without sharing it', async () => {
    const root = await tempDir();
    const id = await putBlob(root, Buffer.from('frame'));
    const dest = join(root, 'keyframes', 'shot-01.png');
    await restoreBlob(root, id, dest);
    expect(await readFile(dest, 'utf8')).toBe('frame');
    await writeFile(dest, 'edited');
    expect(await readFile(blobPath(root, id), 'utf8')).toBe('frame');
    await expect(restoreBlob(root, sha('missing'), dest)).rejects.toThrow(/ENOENT/);
    expect(await readFile(dest, 'utf8')).toBe('edited');
  });

  it('returns a key record only while all its blobs are cached', async () => {
    const root = await tempDir();
    const a = await putBlob(root, Buffer.from('a'));
    const b = await putBlob(root, Buffer.from('b'));
    const key = 'e'.repeat(64);
    const rec = sampleRecord({
      key,
      outputs: [
        { path: 'k/1.png', sha256: a, bytes: 1, mediaType: 'image/png' },
        { path: 'k/2.png', sha256: b, bytes: 1, mediaType: 'image/png' },
      ],
    });
    await putKeyRecord(root, rec);
    expect(await getKeyRecord(root, key)).toEqual(rec);
    expect(await getKeyRecord(root, 'f'.repeat(64))).toBeUndefined();
    await gc(root, new Set([a]), new Set());
    expect(await getKeyRecord(root, key)).toBeUndefined();
    await expect(getKeyRecord(root, '../etc/passwd')).rejects.toThrow(/not a node key/);
  });

  it('gc keeps referenced blobs and kept keys (with their blobs) and removes the rest', async () => {
    const root = await tempDir();
    const [kept, viaKey, dropped] = await Promise.all(['kept', 'via-key', 'dropped!'].map((s) => putBlob(root, Buffer.from(s))));
    const keepKey = '1'.repeat(64);
    const dropKey = '2'.repeat(64);
    await putKeyRecord(root, sampleRecord({ key: keepKey, outputs: [{ path: 'a.png', sha256: viaKey, bytes: 7, mediaType: 'image/png' }] }));
    await putKeyRecord(root, sampleRecord({ key: dropKey, outputs: [{ path: 'b.png', sha256: dropped, bytes: 8, mediaType: 'image/png' }] }));
    const result = await gc(root, new Set([kept]), new Set([keepKey]));
    expect(result).toEqual({ removedBlobs: 1, removedBytes: 8, removedKeys: 1 });
    expect(await hasBlob(root, kept)).toBe(true);
    expect(await hasBlob(root, viaKey)).toBe(true);
    expect(await hasBlob(root, dropped)).toBe(false);
    expect((await getKeyRecord(root, keepKey))?.outputs[0].sha256).toBe(viaKey);
    expect(await getKeyRecord(root, dropKey)).toBeUndefined();
    expect(await gc(root, new Set(), new Set())).toEqual({ removedBlobs: 2, removedBytes: 4 + 7, removedKeys: 1 });
    expect(await gc(await tempDir(), new Set(), new Set())).toEqual({ removedBlobs: 0, removedBytes: 0, removedKeys: 0 });
  });
});
