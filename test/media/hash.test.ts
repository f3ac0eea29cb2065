import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { sha256Bytes, sha256File } from '../../src/media/hash.js';
import { tempDir } from '../support/project.js';

const reference = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('hashing', () => {
  let tmp: string;
  beforeEach(async () => {
    tmp = await tempDir();
  });

  it('sha256Bytes matches node:crypto', () => {
    const buf = Buffer.from('keyframes all the way down');
    expect(sha256Bytes(buf)).toBe(reference(buf));
    expect(sha256Bytes(Buffer.alloc(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('sha256File streams a file larger than one read chunk to the same digest', async () => {
    const buf = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < buf.length; i++) buf[i] = (i * 31) & 0xff;
    const path = join(tmp, 'big.bin');
    await writeFile(path, buf);
    expect(await sha256File(path)).toBe(reference(buf));
  });

  it('sha256File of an empty file', async () => {
    const path = join(tmp, 'empty');
    await writeFile(path, Buffer.alloc(0));
    expect(await sha256File(path)).toBe(reference(Buffer.alloc(0)));
  });

  it('sha256File rejects a missing file', async () => {
    await expect(sha256File(`${tmp}/nope`)).rejects.toThrow(/ENOENT/);
  });
});
