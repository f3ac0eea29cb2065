// BuildStatus without an executor: each outcome is one event and one count, and the summary
// adds them up (money rounded to the cent's hundredth, team restores counted apart).
import { describe, expect, it } from 'vitest';
import type { BuildEvent } from '../../src/engine/events.js';
import { BuildStatus } from '../../src/engine/status.js';
import { sampleRecord } from '../store/helpers.js';

describe('BuildStatus', () => {
  it('turns each outcome into its event and its count', () => {
    const events: BuildEvent[] = [];
    const status = new BuildStatus((e) => events.push(e));
    const rec = sampleRecord({ costUsd: 0.1, durationMs: 5 });
    status.upToDate('u');
    status.restored('r', rec, 3, false);
    status.restored('t', rec, 4, true);
    status.built('b1', rec);
    status.built('b2', { ...rec, costUsd: 0.2 });
    status.failed('f', '422 prompt: not allowed');
    status.skipped('s', 'input f failed');
    status.skipped('w', 'superseded: queued request cancelled', false);
    const summary = status.done({ url: 's3://team/p', uploaded: 2, uploadedBytes: 10, downloadedBytes: 20 });
    expect(summary).toMatchObject({ built: 2, cached: 2, uptodate: 1, failed: 1, skipped: 1, spentUsd: 0.3, interrupted: false });
    expect(summary.team).toEqual({ url: 's3://team/p', uploaded: 2, uploadedBytes: 10, downloadedBytes: 20, restored: 1 });
    expect(events.map((e) => `${e.type}${'node' in e ? ` ${e.node}` : ''}${'outcome' in e ? ` ${e.outcome}` : ''}`)).toEqual([
      'node:done u uptodate', 'node:done r cached', 'node:done t cached', 'node:done b1 built', 'node:done b2 built',
      'node:failed f', 'node:skipped s', 'node:skipped w', 'build:done',
    ]);
    expect(events[2]).toMatchObject({ from: 'team', outputs: ['keyframes/shot-01.png'] });
    expect(events.at(-1)).toEqual({ type: 'build:done', summary });
  });

  it('reports an interrupted build, with no team figures when there is no team cache', () => {
    const status = new BuildStatus(() => {});
    expect(status.interrupted).toBe(false);
    status.markInterrupted();
    const summary = status.done();
    expect(summary.interrupted).toBe(true);
    expect(summary.team).toBeUndefined();
  });
});
