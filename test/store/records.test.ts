import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordPath } from '../../src/base/layout.js';
import { readAllRecords, removeRecord, writeRecord } from '../../src/engine/store/records.js';
import { tempDir } from '../support/project.js';
import { sampleRecord } from './helpers.js';

describe('records', () => {
  it('round-trips a record through metadata/<node>.json', async () => {
    const root = await tempDir();
    const rec = sampleRecord();
    await writeRecord(root, 'metadata', rec);
    expect((await readAllRecords(root, 'metadata')).get('shot-01')).toEqual(rec);
    expect(await readdir(join(root, 'metadata'))).toEqual(['shot-01.json']);
  });

  it('keeps a params key named __proto__ as a field, not a prototype', async () => {
    const root = await tempDir();
    const rec = sampleRecord();
    // As JSON.parse makes it (the project's params come from YAML): an own key, not the prototype.
    rec.params = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}');
    await writeRecord(root, 'metadata', rec);
    const text = await readFile(join(root, 'metadata', 'shot-01.json'), 'utf8');
    expect(JSON.parse(text).params).toEqual(JSON.parse('{"__proto__": {"polluted": true}, "a": 1}'));
    expect(text).toContain('"__proto__"');
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

  it('reads a truncated or foreign record as missing and reports it', async () => {
    const root = await tempDir();
    await writeRecord(root, 'metadata', sampleRecord());
    const file = recordPath(root, 'metadata', 'shot-01');
    const full = await readFile(file, 'utf8');
    await writeFile(file, full.slice(0, full.length / 2));
    const warnings: string[] = [];
    expect((await readAllRecords(root, 'metadata', (f) => warnings.push(f))).size).toBe(0);
    await writeFile(file, '{"hello": "world"}');
    expect((await readAllRecords(root, 'metadata', (f) => warnings.push(f))).size).toBe(0);
    expect(warnings).toEqual([file, file]);
  });

  it('reports a record whose output path leads outside the project, and never returns it', async () => {
    const root = await tempDir();
    const outside = await tempDir();
    await mkdir(join(root, 'keyframes'));
    await symlink(outside, join(root, 'keyframes', 'out'));
    await symlink(join(outside, 'f.png'), join(root, 'keyframes', 'link.png'));
    const cases = ['../secret.png', '/etc/passwd', 'keyframes/../../x.png', 'keyframes/out/f.png', 'keyframes/link.png', 'a\\..\\b.png'];
    for (const [i, path] of cases.entries()) {
      await writeRecord(root, 'metadata', sampleRecord({ node: `n${i}`, outputs: [{ ...sampleRecord().outputs[0], path }] }));
    }
    await writeRecord(root, 'metadata', sampleRecord({ node: 'fine' }));
    const reasons: string[] = [];
    const all = await readAllRecords(root, 'metadata', (_f, why) => reasons.push(why));
    expect([...all.keys()]).toEqual(['fine']);
    expect(reasons).toHaveLength(cases.length);
    expect(reasons.filter((r) => r.includes('symbolic link'))).toHaveLength(2);
  });

  it('rejects malformed hashes and keys, which would name paths in the cache', async () => {
    const root = await tempDir();
    await writeRecord(root, 'metadata', sampleRecord({ node: 'a', outputs: [{ ...sampleRecord().outputs[0], sha256: '../../../x' }] }));
    await mkdir(join(root, 'metadata'), { recursive: true });
    await writeFile(join(root, 'metadata', 'b.json'), JSON.stringify(sampleRecord({ node: 'b', key: '../k' })));
    const corrupt: string[] = [];
    expect((await readAllRecords(root, 'metadata', (f) => corrupt.push(f))).size).toBe(0);
    expect(corrupt).toHaveLength(2);
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
    expect((await readAllRecords(root, 'metadata')).size).toBe(0);
    await mkdir(join(root, 'x'));
    for (const bad of ['../x/evil', 'a/b', 'a\\b', '..', '']) {
      await expect(writeRecord(root, 'metadata', sampleRecord({ node: bad }))).rejects.toThrow(/invalid node name/);
    }
    expect(await readdir(join(root, 'x'))).toEqual([]);
  });
});
