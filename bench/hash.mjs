// 6. Hash and stat-cache throughput on a folder of large files against raw `sha256sum`.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { median, ms, QUICK, removeDir, REPO, table, tempDir, timed } from './lib/util.mjs';

export const title = 'Hashing and the stat cache';

const FILE_MB = 20;

export async function run() {
  const count = QUICK ? 5 : 20;
  const runs = QUICK ? 3 : 5;
  const { openStatCache } = await import(pathToFileURL(join(REPO, 'dist', 'engine', 'store', 'stat-cache.js')).href);
  const dir = await tempDir('hash');
  try {
    await mkdir(join(dir, 'refs'));
    const rels = [];
    for (let i = 0; i < count; i++) {
      const rel = `refs/img_${String(i).padStart(2, '0')}.png`;
      await writeFile(join(dir, rel), randomBytes(FILE_MB * 2 ** 20));
      rels.push(rel);
    }
    // Past the racy window (files changed this recently are never trusted from the cache).
    await sleep(2100);
    const totalMb = count * FILE_MB;
    const cold = [];
    const warm = [];
    let warmBytes = 0;
    let coldBytes = 0;
    for (let i = 0; i < runs; i++) {
      await removeDir(join(dir, '.aivp'));
      let t0 = performance.now();
      const c = await openStatCache(dir);
      for (const rel of rels) await c.hash(rel);
      await c.save();
      cold.push(performance.now() - t0);
      coldBytes = c.stats.hashedBytes;
      t0 = performance.now();
      const w = await openStatCache(dir);
      for (const rel of rels) await w.hash(rel);
      warm.push(performance.now() - t0);
      warmBytes = w.stats.hashedBytes;
    }
    const sum = [];
    for (let i = 0; i < runs; i++) sum.push((await timed('sha256sum', rels, { cwd: dir })).wallMs);
    const data = { count, fileMb: FILE_MB, coldMs: median(cold), warmMs: median(warm), sha256sumMs: median(sum), coldBytes, warmBytes };
    const rate = (t) => `${(totalMb / (t / 1000)).toFixed(0)} MB/s`;
    const markdown = [
      `${count} files of ${FILE_MB} MiB of random bytes (${totalMb} MiB), read from the page cache. aivp: the engine's stat cache ` +
        `(dist/engine/store/stat-cache.js) in-process, files hashed one after another as the planner does; median of ${runs}. ` +
        '`sha256sum` gets all files in one process.',
      '',
      table(
        ['what', 'ms', 'throughput', 'bytes hashed'],
        [
          ['aivp cold (empty stat cache): hash + save', ms(data.coldMs), rate(data.coldMs), String(coldBytes)],
          ['aivp warm (stat cache hit on every file)', ms(data.warmMs), `${((data.warmMs / count) * 1000).toFixed(0)} us per file`, String(warmBytes)],
          ['sha256sum (one process, all files)', ms(data.sha256sumMs), rate(data.sha256sumMs), String(totalMb * 2 ** 20)],
        ],
      ),
      '',
      `Cold hashing runs at ${(data.sha256sumMs / data.coldMs).toFixed(2)}x the speed of sha256sum; the warm check hashed ${warmBytes === 0 ? 'zero bytes, as it should' : `${warmBytes} bytes (it should hash none)`}.`,
    ].join('\n');
    return { markdown, data };
  } finally {
    await removeDir(dir);
  }
}
