import { createHash } from 'node:crypto';
import { mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAYOUT } from '../../src/base/layout.js';
import { openStatCache } from '../../src/engine/store/stat-cache.js';
import { tempDir, writeFiles } from '../support/project.js';
import { untilPastRacyWindow } from '../support/wait.js';

const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

async function project(files: Record<string, string>): Promise<string> {
  const root = await tempDir();
  await writeFiles(root, files);
  await untilPastRacyWindow(root);
  return root;
}

describe('stat cache', () => {
  it('hashes a file once and then answers from its stat data, also after save and reopen', async () => {
    const big = 'x'.repeat(300_000);
    const root = await project({ 'refs/hero.png': big });
    const cache = await openStatCache(root);
    expect(await cache.hash('refs/hero.png')).toBe(sha(big));
    expect(cache.stats).toEqual({ hashedBytes: big.length, hits: 0, misses: 1 });
    expect(await cache.hash('refs/hero.png')).toBe(sha(big));
    expect(cache.stats).toEqual({ hashedBytes: big.length, hits: 1, misses: 1 });
    await cache.save();

    const again = await openStatCache(root);
    expect(await again.hash('refs/hero.png')).toBe(sha(big));
    expect(again.stats).toEqual({ hashedBytes: 0, hits: 1, misses: 0 });
  });

  it('re-hashes a file that was modified or touched', async () => {
    const root = await project({ 'a.txt': 'one' });
    const cache = await openStatCache(root);
    await cache.hash('a.txt');
    await writeFile(join(root, 'a.txt'), 'two!');
    await untilPastRacyWindow(root, join(root, 'a.txt'));
    expect(await cache.hash('a.txt')).toBe(sha('two!'));
    expect(cache.stats.misses).toBe(2);
    const past = new Date(Date.now() - 3_600_000);
    await utimes(join(root, 'a.txt'), past, past);
    await untilPastRacyWindow(root, join(root, 'a.txt'));
    expect(await cache.hash('a.txt')).toBe(sha('two!'));
    expect(cache.stats).toEqual({ hashedBytes: 3 + 4 + 4, hits: 0, misses: 3 });
  });

  it('keeps no entry for a file changed at or after the hashing moment, in memory or on disk', async () => {
    const root = await tempDir();
    const file = join(root, 'fresh.png');
    await writeFile(file, 'data');
    // A change time in the future is racy however long hashing takes to start (clock skew).
    const future = new Date(Date.now() + 3_600_000);
    await utimes(file, future, future);
    const cache = await openStatCache(root);
    await cache.hash('fresh.png');
    await cache.hash('fresh.png');
    expect(cache.stats).toEqual({ hashedBytes: 8, hits: 0, misses: 2 });
    await cache.save();
    const again = await openStatCache(root);
    await again.hash('fresh.png');
    expect(again.stats).toEqual({ hashedBytes: 4, hits: 0, misses: 1 });
  });

  it('starts empty from a corrupt cache file and rejects for a missing file', async () => {
    const root = await project({ 'a.txt': 'abc' });
    await mkdir(join(root, '.aivp'), { recursive: true });
    await writeFile(join(root, LAYOUT.statCache), '{"aivp":2,"entries":{"a.txt":{"size":');
    const cache = await openStatCache(root);
    expect(await cache.hash('a.txt')).toBe(sha('abc'));
    expect(cache.stats.misses).toBe(1);
    await cache.save();
    expect(JSON.parse(await readFile(join(root, LAYOUT.statCache), 'utf8')).entries['a.txt'][1]).toBe(sha('abc'));
    await expect(cache.hash('gone.png')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('hashes a file once when asked for it concurrently', async () => {
    const root = await project({ 'a.txt': 'abc' });
    const cache = await openStatCache(root);
    const all = await Promise.all([cache.hash('a.txt'), cache.hash('a.txt'), cache.hash('a.txt')]);
    expect(new Set(all)).toEqual(new Set([sha('abc')]));
    expect(cache.stats.hashedBytes).toBe(3);
  });
});

describe('stat cache housekeeping', () => {
  it('drops entries of deleted files when it next saves, and keeps the others', async () => {
    const { rm } = await import('node:fs/promises');
    const root = await project({ 'a.png': 'aaa', 'b.png': 'bbb', 'c.png': 'ccc' });
    const first = await openStatCache(root);
    for (const f of ['a.png', 'b.png', 'c.png']) await first.hash(f);
    await first.save();
    await rm(join(root, 'b.png'));
    await writeFile(join(root, 'd.png'), 'ddd');
    await untilPastRacyWindow(root, join(root, 'd.png'));
    const second = await openStatCache(root);
    await second.hash('d.png');
    await second.save();
    const saved = JSON.parse(await readFile(join(root, LAYOUT.statCache), 'utf8'));
    expect(Object.keys(saved.entries)).toEqual(['a.png', 'c.png', 'd.png']);
  });
});
