// The one stamp and racy rule: equality of stamps, the rule at its boundary, the file system's
// clock read from a tick file that is created exclusively and never through a link.
import { statSync } from 'node:fs';
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatStamp, FsClock, fsClockNs, isRacy, parseStamp, sameStamp } from '../../src/base/file-stamp.js';
import { tempDir } from '../support/project.js';
import { until } from '../support/wait.js';

const stamp = (mtimeNs: bigint, ctimeNs = mtimeNs) => ({ size: 10n, mtimeNs, ctimeNs, ino: 5n });

describe('file stamps', () => {
  it('round-trip through their text form, and anything else is refused', () => {
    const s = stamp(1_000n, 900n);
    expect(parseStamp(formatStamp(s))).toEqual(s);
    for (const bad of ['', '-', '1:2:3', '1:2:3:x', '1:2:3:4:5', ' 1:2:3:4']) expect(parseStamp(bad)).toBeUndefined();
    expect(sameStamp(s, { ...s })).toBe(true);
    expect(sameStamp(s, { ...s, ino: 6n })).toBe(false);
  });

  it('are racy when changed at or after the clock reading, by mtime or ctime', () => {
    expect(isRacy(stamp(1_000n, 900n), 1_000n)).toBe(true);
    expect(isRacy(stamp(900n, 1_000n), 1_000n)).toBe(true);
    expect(isRacy(stamp(999n), 1_000n)).toBe(false);
    // No reading (0): nothing is trusted.
    expect(isRacy(stamp(1n), 0n)).toBe(true);
  });
});

describe("the file system's clock", () => {
  it('reads a tick file in .aivp/ that it removes, and is never older than a file written before it', async () => {
    const root = await tempDir();
    await writeFile(join(root, 'a.txt'), 'a');
    const { mtimeNs } = statSync(join(root, 'a.txt'), { bigint: true });
    expect(await fsClockNs(root)).toBeGreaterThanOrEqual(mtimeNs);
    expect(await readdir(join(root, '.aivp'))).toEqual([]);
  });

  it('trusts nothing (0) where .aivp is a link, and writes nothing through it', async () => {
    const root = await tempDir();
    const outside = await tempDir();
    await symlink(outside, join(root, '.aivp'));
    expect(await fsClockNs(root)).toBe(0n);
    expect(await readdir(outside)).toEqual([]);
  });

  it('trusts nothing where .aivp is a file', async () => {
    const root = await tempDir();
    await writeFile(join(root, '.aivp'), 'not a folder');
    expect(await fsClockNs(root)).toBe(0n);
  });

  it('shares one reading, and reads again for a file changed since it', async () => {
    const root = await tempDir();
    await mkdir(join(root, '.aivp'));
    const clock = new FsClock(root);
    const first = await clock.before(stamp(1n));
    expect(await clock.before(stamp(1n))).toBe(first);
    // Once the clock has moved on, a file changed at the reading gets a fresh one.
    await until(async () => (await fsClockNs(root)) > first, "the file system's clock to move on");
    const fresh = await clock.before(stamp(first));
    expect(fresh).toBeGreaterThan(first);
    expect(await clock.before(stamp(1n))).toBe(fresh);
  });
});
