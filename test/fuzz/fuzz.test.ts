// Bad input never crashes (issue 20): a bounded, seeded fuzz run through the loader, graph, plan
// and gallery view (the long run is `npm run fuzz`). A failure prints the seed, the case number
// and the file; FUZZ_SEED=<n> runs another sequence.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fuzzCase } from './generate.js';
import { formatFinding, runFuzz } from './pool.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20);

describe('the fuzz pool', () => {
  it('reports a hang, a dead worker and a crash, with the case, and goes on after each', async () => {
    const r = await runFuzz({
      seed: 1, cases: 6, workers: 1, timeoutMs: 2000, regressions: false,
      draft: { limit: 0, every: 1, timeoutMs: 1000 }, entry: fileURLToPath(new URL('./probe.ts', import.meta.url)),
    });
    expect(r).toMatchObject({ done: 6, hangs: 1, crashes: 2, accepted: 2, rejected: 1, restarts: 2 });
    expect(r.findings.map((f) => [f.kind, f.label, f.stage])).toEqual([
      ['hang', 'seed 1 case 1', 'any'],
      ['crash', 'seed 1 case 2', 'worker'],
      ['crash', 'seed 1 case 3', 'load'],
    ]);
    expect(r.findings[0]!.text).toBe(fuzzCase(1, 1));
  });

  it('makes the same case from the same seed and index, and different ones otherwise', () => {
    expect(fuzzCase(SEED, 7)).toBe(fuzzCase(SEED, 7));
    expect(new Set(Array.from({ length: 50 }, (_, i) => fuzzCase(SEED, i))).size).toBeGreaterThan(40);
  });
});

describe(`bad input never crashes (fuzz seed ${SEED})`, () => {
  it('every generated project file is accepted or refused with diagnostics, in time; accepted ones plan and show, small ones draft', async () => {
    const r = await runFuzz({
      seed: SEED, cases: 3000, deadlineMs: 40_000, workers: Math.max(1, Math.min(2, availableParallelism() - 1)), timeoutMs: 10_000,
      draft: { limit: 2, every: 10, timeoutMs: 30_000 },
    });
    expect(r.findings.map(formatFinding)).toEqual([]);
    expect({ crashes: r.crashes, hangs: r.hangs, draftFailures: r.draftFailures }).toEqual({ crashes: 0, hangs: 0, draftFailures: 0 });
    // A run too short to mean anything, or a generator that makes only garbage, is a failure too.
    expect(r.done).toBeGreaterThanOrEqual(300);
    expect(r.accepted / r.done).toBeGreaterThan(0.05);
    expect(r.drafted).toBe(2);
  });
});
