// The Schedule without an executor: which nodes are released, in what order they start (the
// longest remaining chain first, ties in file order), and what a failure or a skip takes with it.
import { describe, expect, it } from 'vitest';
import { Schedule } from '../../src/engine/schedule.js';
import { buildGraph } from '../../src/graph/build.js';
import type { Graph } from '../../src/graph/types.js';
import { parseProject } from '../../src/project/load.js';

const PROJECT = `aivp: 1
defaults:
  image: { model: fal-ai/flux/dev }
shots:
  y1: { prompt: "y1" }
  x1: { prompt: "x1" }
  x2: { prompt: "x2", input: x1 }
  x3: { prompt: "x3", input: x2 }
  y2: { prompt: "y2" }
  g: { prompt: "g", model: gemini-3.1-flash-image }
`;

async function graph(yaml = PROJECT): Promise<Graph> {
  return buildGraph(await parseProject('/nonexistent/aivp-schedule', yaml));
}

/** Runs the schedule with `slots` requests at once per provider, every node succeeding: the start order. */
function startOrder(g: Graph, slots: number, fail = new Set<string>()): { started: string[]; skipped: string[] } {
  const s = new Schedule(g, new Set(g.order));
  const running = new Map<string, number>();
  const started: string[] = [];
  const skipped: string[] = [];
  const flying: string[] = [];
  for (;;) {
    for (let n = s.nextReleased(); n; n = s.nextReleased()) s.enqueue(n);
    const node = s.start((p) => (running.get(p) ?? 0) < slots);
    if (node) {
      started.push(node.name);
      flying.push(node.name);
      running.set(node.provider, (running.get(node.provider) ?? 0) + 1);
      continue;
    }
    const done = flying.shift();
    if (!done) return { started, skipped };
    const p = g.nodes.get(done)!.provider;
    running.set(p, running.get(p)! - 1);
    skipped.push(...s.finish(done, fail.has(done) ? 'failed' : 'done'));
  }
}

describe('Schedule', () => {
  it('starts the longest remaining chain first, ties in file order', async () => {
    // After x2, x3 and y1 both end their chain (height 1): file order decides.
    expect(startOrder(await graph(), 1).started).toEqual(['x1', 'g', 'x2', 'y1', 'x3', 'y2']);
  });

  it('fills every slot of each provider, still chain first', async () => {
    expect(startOrder(await graph(), 2).started).toEqual(['x1', 'y1', 'g', 'x2', 'y2', 'x3']);
  });

  it('skips what waits downstream of a failure, and nothing else', async () => {
    const { started, skipped } = startOrder(await graph(), 1, new Set(['x1']));
    expect(skipped).toEqual(['x2', 'x3']);
    expect(started).toEqual(['x1', 'g', 'y1', 'y2']);
  });

  it('skips an unavailable node with its dependents before anything starts', async () => {
    const g = await graph();
    const s = new Schedule(g, new Set(g.order));
    expect(s.skip('x2')).toEqual(['x3']);
    expect(s.skip('x2')).toBeUndefined();
    expect(s.skip('x3')).toBeUndefined();
    expect(s.waiting()).toEqual(['y1', 'x1', 'y2', 'g']);
  });

  it('takes only the selected nodes', async () => {
    const g = await graph();
    const s = new Schedule(g, new Set(['x1', 'x2']));
    expect(s.order).toEqual(['x1', 'x2']);
    expect(s.nextReleased()?.name).toBe('x1');
    expect(s.nextReleased()).toBeUndefined();
  });
});
