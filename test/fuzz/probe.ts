// Stand-in case runner for the pool's own test: generated case `index` answers, hangs, or kills
// its worker, so the test sees each kind of failure reported and the run go on after it.
import type { Outcome } from './case.js';

export async function runGenerated(_seed: number, index: number): Promise<Outcome> {
  if (index === 1) for (;;);
  if (index === 2) setImmediate(() => { throw new Error('probe: the worker dies'); });
  if (index === 3) return { verdict: 'crash', stage: 'load', error: 'TypeError: probe' };
  await new Promise((resolve) => setTimeout(resolve, 50));
  return index % 2 ? { verdict: 'rejected', diagnostics: 1 } : { verdict: 'accepted', nodes: 1, images: 1, small: false };
}
