import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAllRecords, readRecord, recordPath, removeRecord, writeRecord } from '../../src/engine/store/records.js';
import { sampleRecord, useTempDir } from './helpers.js';

const tempDir = useTempDir();

describe('records', () => {
  it('round-trips a record through metadata/<node>.json', async () => {
    const root = await tempDir();
    const rec = sampleRecord();
    await writeRecord(root, 'metadata', rec);
    expect(await readRecord(root, 'metadata', 'shot-01')).toEqual(rec);
    expect(await readdir(join(root, 'metadata'))).toEqual(['shot-01.json']);
  });

  it('writes pretty JSON in a stable field order with sorted nested keys and a trailing newline', async () => {
    const root = await tempDir();
    const rec = sampleRecord();
    const shuffled = Object.fromEntries(Object.entries(rec).reverse()) as typeof rec;
    await writeRecord(root, 'metadata', shuffled);
    const a = await readFile(recordPath(root, 'metadata', 'shot-01'), 'utf8');
    await writeRecord(root, 'metadata', rec);
    const b = await readFile(recordPath(root, 'metadata', 'shot-01'), 'utf8');
    expect(a).toBe(b);
    expect(a.endsWith('}\n')).toBe(true);
    expect(a.split('\n')[1]).toBe('  "aivp": 1,');
    expect(Object.keys(JSON.parse(a)).slice(0, 4)).toEqual(['aivp', 'node', 'kind', 'key']);
    expect(Object.keys(JSON.parse(a).params.extra)).toEqual(['a', 'z']);
    expect(JSON.parse(a).params.extra.a[1]).toEqual({ b: 2, y: 1 });
    expect(Object.keys(JSON.parse(a).params.extra.a[1])).toEqual(['b', 'y']);
  });

  it('reads a missing, truncated or foreign record as undefined and reports the corrupt ones', async () => {
    const root = await tempDir();
    expect(await readRecord(root, 'metadata', 'nope')).toBeUndefined();
    await writeRecord(root, 'metadata', sampleRecord());
    const file = recordPath(root, 'metadata', 'shot-01');
    const full = await readFile(file, 'utf8');
    await writeFile(file, full.slice(0, full.length / 2));
    const warnings: string[] = [];
    expect(await readRecord(root, 'metadata', 'shot-01', (f) => warnings.push(f))).toBeUndefined();
    await writeFile(file, '{"hello": "world"}');
    expect(await readRecord(root, 'metadata', 'shot-01', (f) => warnings.push(f))).toBeUndefined();
    expect(warnings).toEqual([file, file]);
  });

  it('reads all records in the folder, skipping temp files and corrupt records', async () => {
    const root = await tempDir();
    await writeRecord(root, 'meta/data', sampleRecord({ node: 'a' }));
    await writeRecord(root, 'meta/data', sampleRecord({ node: 'b', key: 'd'.repeat(64) }));
    const dir = join(root, 'meta', 'data');
    await writeFile(join(dir, 'c.json'), '{');
    await writeFile(join(dir, '.a.json.123.0123456789ab.tmp'), '{');
    await writeFile(join(dir, 'renamed.json'), JSON.stringify(sampleRecord({ node: 'other' })));
    await writeFile(join(dir, 'notes.txt'), 'hi');
    const corrupt: string[] = [];
    const all = await readAllRecords(root, 'meta/data', (f) => corrupt.push(f));
    expect([...all.keys()].sort()).toEqual(['a', 'b']);
    expect(all.get('b')?.key).toBe('d'.repeat(64));
    expect(corrupt.sort()).toEqual([join(dir, 'c.json'), join(dir, 'renamed.json')]);
    expect((await readAllRecords(root, 'missing')).size).toBe(0);
  });

  it('removes a record, and refuses node names that are paths', async () => {
    const root = await tempDir();
    await writeRecord(root, 'metadata', sampleRecord());
    await removeRecord(root, 'metadata', 'shot-01');
    await removeRecord(root, 'metadata', 'shot-01');
    expect(await readRecord(root, 'metadata', 'shot-01')).toBeUndefined();
    await mkdir(join(root, 'x'));
    for (const bad of ['../x/evil', 'a/b', 'a\\b', '..', '']) {
      await expect(writeRecord(root, 'metadata', sampleRecord({ node: bad }))).rejects.toThrow(/invalid node name/);
    }
    expect(await readdir(join(root, 'x'))).toEqual([]);
  });
});
