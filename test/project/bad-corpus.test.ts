// Every project under test/fixtures/bad/ fails to load with the diagnostics its expected.json lists.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BAD_DIR, badCases, expectedOf } from './corpus.js';
import { listTree, loadErrors } from './helpers.js';

describe('bad project corpus', () => {
  it('holds at least 25 cases, some with several errors', () => {
    expect(badCases().length).toBeGreaterThanOrEqual(25);
    expect(badCases().filter((c) => expectedOf(c).errors.length >= 5).length).toBeGreaterThanOrEqual(2);
  });

  it.each(badCases())('%s', async (name) => {
    const dir = join(BAD_DIR, name);
    const expected = expectedOf(name);
    const before = await listTree(dir);
    const diagnostics = await loadErrors(dir);
    for (const e of expected.errors) {
      expect(diagnostics).toContainEqual(
        expect.objectContaining({
          file: 'aivp.project.yaml',
          line: e.line,
          col: e.col,
          message: expect.stringContaining(e.message),
          ...(e.field ? { field: e.field } : {}),
          ...(e.hint ? { hint: e.hint } : {}),
        }),
      );
    }
    if (expected.total !== undefined) expect(diagnostics).toHaveLength(expected.total);
    for (const d of diagnostics) {
      expect(d.line).toBeGreaterThanOrEqual(1);
      expect(d.col).toBeGreaterThanOrEqual(1);
    }
    expect(await listTree(dir)).toEqual(before);
  });
});
