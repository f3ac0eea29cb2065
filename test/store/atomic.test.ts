import { spawn } from 'node:child_process';
import { readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { transformWithOxc } from 'vite';
import { describe, expect, it } from 'vitest';
import { copyFileAtomic, removeStaleTemps, writeFileAtomic } from '../../src/base/atomic.js';
import { tempDir } from '../support/project.js';

const SIZE = 4 * 1024 * 1024;
const VERSIONS = 4;

/** The module under test as plain JS (with the base modules it imports), so a bare `node` child can run it. */
async function compiledAtomic(dir: string): Promise<string> {
  for (const name of ['atomic', 'inside', 'errors']) {
    const src = await readFile(resolve(import.meta.dirname, `../../src/base/${name}.ts`), 'utf8');
    const { code } = await transformWithOxc(src, `${name}.ts`, { lang: 'ts' });
    await writeFile(join(dir, `${name}.js`), code);
  }
  // A package.json marking the folder as ES modules, so `.js` files load as the compiled source expects.
  await writeFile(join(dir, 'package.json'), '{"type":"module"}\n');
  return join(dir, 'atomic.js');
}

/** Each version is SIZE bytes of one value, so a partial or mixed file is easy to spot. */
function version(i: number): Buffer {
  return Buffer.alloc(SIZE, 0x41 + i);
}

function isCompleteVersion(buf: Buffer): boolean {
  if (buf.length !== SIZE) return false;
  const v = buf[0] - 0x41;
  return v >= 0 && v < VERSIONS && buf.equals(version(v));
}

describe('writeFileAtomic / copyFileAtomic', () => {
  it('writes, replaces and creates parent folders', async () => {
    const dir = await tempDir();
    const target = join(dir, 'a', 'b', 'c.json');
    await writeFileAtomic(target, 'one');
    await writeFileAtomic(target, Buffer.from('two'));
    expect(await readFile(target, 'utf8')).toBe('two');
    await copyFileAtomic(target, join(dir, 'd', 'copy.json'));
    expect(await readFile(join(dir, 'd', 'copy.json'), 'utf8')).toBe('two');
    expect((await readdir(join(dir, 'a', 'b'))).sort()).toEqual(['c.json']);
  });

  it('removes its temp file when the write fails', async () => {
    const dir = await tempDir();
    await expect(copyFileAtomic(join(dir, 'missing'), join(dir, 'out'))).rejects.toThrow(/ENOENT/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('leaves the old or the new file, never a partial one, when the writer is SIGKILLed', async () => {
    const dir = await tempDir();
    const mod = await compiledAtomic(dir);
    const target = join(dir, 'out', 'frame.bin');
    const sources = await Promise.all(
      Array.from({ length: VERSIONS }, async (_, i) => {
        const p = join(dir, `src-${i}.bin`);
        await writeFile(p, version(i));
        return p;
      }),
    );
    await writeFileAtomic(target, version(0));
    const child = `
      const { writeFileAtomic, copyFileAtomic } = await import(${JSON.stringify(mod)});
      const sources = ${JSON.stringify(sources)};
      const bufs = sources.map((_, i) => Buffer.alloc(${SIZE}, 0x41 + i));
      for (let i = 1; ; i++) {
        if (i % 2) await writeFileAtomic(${JSON.stringify(target)}, bufs[i % ${VERSIONS}]);
        else await copyFileAtomic(sources[i % ${VERSIONS}], ${JSON.stringify(target)});
        process.stdout.write('written\\n');
      }`;
    const seen = new Set<number>();
    for (let round = 0; round < 25; round++) {
      const proc = spawn(process.execPath, ['--input-type=module', '-e', child], { stdio: ['ignore', 'pipe', 'inherit'] });
      // Killed at a random write: once it has reported one to four, while it makes the next.
      const writes = 1 + Math.floor(Math.random() * 4);
      await new Promise<void>((ok) => {
        let reported = 0;
        proc.stdout.on('data', (d: Buffer) => {
          reported += d.toString().split('\n').length - 1;
          if (reported >= writes) ok();
        });
      });
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await exited;
      const buf = await readFile(target);
      expect(isCompleteVersion(buf)).toBe(true);
      seen.add(buf[0]);
    }
    expect(seen.size).toBeGreaterThan(1);
    await removeStaleTemps(join(dir, 'out'));
    expect(await readdir(join(dir, 'out'))).toEqual(['frame.bin']);
  });
});

describe('removeStaleTemps', () => {
  it('removes temps of dead writers and earlier runs, keeps those of live writers and other files', async () => {
    const dir = await tempDir();
    const deadPid = await new Promise<number>((ok) => {
      const p = spawn(process.execPath, ['-e', '']);
      p.once('exit', () => ok(p.pid!));
    });
    await writeFile(join(dir, `.a.png.${deadPid}.0123456789ab.tmp`), 'x');
    await writeFile(join(dir, `.b.png.${process.pid}.0123456789ab.tmp`), 'x');
    const leftover = join(dir, `.old.png.${process.pid}.0123456789ab.tmp`);
    await writeFile(leftover, 'x');
    await utimes(leftover, new Date(2020, 0, 1), new Date(2020, 0, 1));
    await writeFile(join(dir, 'keep.tmp'), 'x');
    await writeFile(join(dir, 'c.png'), 'x');
    expect(await removeStaleTemps(dir)).toBe(2);
    expect((await readdir(dir)).sort()).toEqual([`.b.png.${process.pid}.0123456789ab.tmp`, 'c.png', 'keep.tmp']);
    expect(await removeStaleTemps(join(dir, 'nope'))).toBe(0);
  });
});
