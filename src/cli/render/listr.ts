// The terminal renderer: a listr2 row per node to generate, with its state, queue position and
// elapsed time, then a summary. Fed by build events; the engine never imports listr2.
import { Listr, type ListrTaskWrapper } from 'listr2';
import type { BuildEvent, BuildListener } from '../../engine/events.js';
import type { BuildPlan } from '../../engine/plan.js';
import { formatEstimate, formatUsd } from '../format.js';
import { planLine, summaryLine } from './plain.js';

interface Row {
  settle(error?: Error): void;
  settled?: boolean;
  task?: ListrTaskWrapper<unknown, never, never>;
  started?: number;
  detail: string;
}

export function listrRenderer(plan: BuildPlan): BuildListener {
  process.stderr.write(`${planLine(plan.entries, plan.estimateUsd)}\n`);
  const rows = new Map<string, Row>();
  const todo = plan.entries.filter((e) => ['new', 'stale', 'cached'].includes(e.status));
  const list = new Listr(
    todo.map((e) => ({
      title: `${e.node}  ${e.model}${e.estimateUsd !== 0 ? `  ~${formatEstimate(e.estimateUsd)}` : ''}`,
      task: (_ctx: unknown, task: ListrTaskWrapper<unknown, never, never>) =>
        new Promise<void>((resolve, reject) => {
          const row: Row = {
            task,
            detail: 'waiting',
            settle: (err) => {
              row.settled = true;
              if (err) reject(err);
              else resolve();
            },
          };
          rows.set(e.node, row);
        }),
    })),
    { concurrent: true, exitOnError: false },
  );
  const done = list.run().catch(() => undefined);
  const timer = setInterval(() => {
    for (const r of rows.values()) {
      if (r.started && r.task && !r.settled) r.task.output = `${r.detail} ${((Date.now() - r.started) / 1000).toFixed(0)} s`;
    }
  }, 1000);
  timer.unref();

  return (e: BuildEvent) => {
    const row = 'node' in e && e.node ? rows.get(e.node) : undefined;
    switch (e.type) {
      case 'node:start':
        if (row) Object.assign(row, { started: row.started ?? Date.now(), detail: e.attempt > 1 ? `attempt ${e.attempt}` : 'submitting' });
        break;
      case 'node:progress':
        if (row) row.detail = e.progress.state === 'queued' && e.progress.queuePosition !== undefined ? `queued #${e.progress.queuePosition}` : e.progress.state;
        break;
      case 'node:retry':
        if (row) row.detail = `retrying in ${(e.delayMs / 1000).toFixed(1)} s (${e.error})`;
        break;
      case 'node:done':
        if (row?.task && !row.settled) row.task.title = `${e.node}  ${e.outcome === 'built' ? `built ${formatUsd(e.costUsd)}` : e.outcome === 'cached' ? (e.from === 'team' ? 'from team cache' : 'from cache') : 'up to date'}`;
        row?.settle();
        break;
      case 'node:failed':
        row?.settle(new Error(e.error));
        break;
      case 'node:skipped':
        if (row && !row.settled) {
          row.task?.skip(e.reason);
          row.settle();
        }
        break;
      case 'build:done':
        clearInterval(timer);
        for (const r of rows.values()) if (!r.settled) r.settle();
        void done.then(() => process.stderr.write(`${summaryLine(e.summary)}\n`));
        break;
      default:
        break;
    }
  };
}
