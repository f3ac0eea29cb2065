import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { InflightRecord } from '../../src/engine/record-types.js';
import { LAYOUT } from '../../src/base/layout.js';
import { readInflight, removeInflight, writeInflight } from '../../src/engine/store/inflight.js';
import { tempDir } from '../support/project.js';

const rec = (key: string, node = 'seg-01'): InflightRecord => ({
  node,
  key,
  provider: 'google',
  model: 'veo-3.0-generate-001',
  requestId: `models/veo/operations/${key.slice(0, 6)}`,
  submittedAt: '2025-01-01T00:00:00.000Z',
});

describe('in-flight records', () => {
  it('round-trips and removes', async () => {
    const root = await tempDir();
    expect(await readInflight(root, 'a'.repeat(64))).toBeUndefined();
    await writeInflight(root, rec('a'.repeat(64)));
    await writeInflight(root, rec('b'.repeat(64), 'seg-02'));
    expect(await readInflight(root, 'a'.repeat(64))).toEqual(rec('a'.repeat(64)));
    expect(await readInflight(root, 'b'.repeat(64))).toEqual(rec('b'.repeat(64), 'seg-02'));
    await removeInflight(root, 'a'.repeat(64));
    await removeInflight(root, 'a'.repeat(64));
    expect(await readInflight(root, 'a'.repeat(64))).toBeUndefined();
    expect(await readInflight(root, 'b'.repeat(64))).toEqual(rec('b'.repeat(64), 'seg-02'));
  });

  it('ignores corrupt entries and entries filed under another key', async () => {
    const root = await tempDir();
    const dir = join(root, LAYOUT.inflight);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `${'c'.repeat(64)}.json`), '{"node":');
    await writeFile(join(dir, `${'d'.repeat(64)}.json`), JSON.stringify(rec('e'.repeat(64))));
    expect(await readInflight(root, 'c'.repeat(64))).toBeUndefined();
    expect(await readInflight(root, 'd'.repeat(64))).toBeUndefined();
  });
});
