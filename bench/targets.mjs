// The scale targets (issue 13) in one table, from the data the benchmarks of this run returned.
import { median, ms, QUICK, table } from './lib/util.mjs';

const at = (sizes, shots) => sizes?.find((s) => s.shots === shots);

/** [measure, target, measured, verdict]; a target whose benchmark did not run (or ran quick) says so. */
export function targetsMarkdown(results) {
  const rows = [];
  const add = (measure, target, figure, met) => rows.push([measure, target, figure ?? 'not measured', figure === undefined ? '-' : met ? 'met' : 'missed']);
  const noop = results.noop;
  const big = at(noop?.sizes, 10000);
  const small = at(noop?.sizes, 100);
  add('no-op, 10,000 shots, vs `make -rR -q`', '<= 4x (stretch 3x)', big && `${(big.aivpMs / big.makeMs).toFixed(2)}x`, big && big.aivpMs / big.makeMs <= 4);
  add('no-op, 100 shots, vs `node -e 0`', '<= 2x', small && `${(small.aivpMs / noop.node).toFixed(2)}x`, small && small.aivpMs / noop.node <= 2);
  const plan10k = at(results.plan?.sizes, 10000);
  add('`plan` after one prompt edit, 10,000 shots', '<= 600 ms', plan10k && `${ms(plan10k.planMs)} ms`, plan10k && plan10k.planMs <= 600);
  const val1k = at(results.plan?.sizes, 1000);
  add('`validate`, 1,000 shots', '<= 250 ms', val1k && `${ms(val1k.validateMs)} ms`, val1k && val1k.validateMs <= 250);
  // The watch series at 1,000 shots (300 in quick mode, which does not count).
  const watch = !QUICK && results.watch?.large?.length ? median(results.watch.large) : undefined;
  add('watch: save -> first request, 1,000-shot project, p50', '<= 250 ms', watch && `${ms(watch)} ms`, watch <= 250);
  const sched = results.schedule;
  const ratio = sched && sched.buildMs / sched.bound;
  add('scheduling, 120 nodes in 30 chains of 4, 500 ms, concurrency 8: wall / bound', '<= 1.10 (stretch 1.05)', sched && ratio.toFixed(3), sched && ratio <= 1.1);
  add('peak RSS, 10,000-shot no-op', '<= 150 MB', big?.aivpRssMb && `${big.aivpRssMb.toFixed(0)} MB`, big?.aivpRssMb <= 150);
  return [
    'Each figure is the median of its section below, measured in this run; the sections say where the time goes and, for a target missed, why.',
    '',
    table(['measure', 'target', 'measured', ''], rows),
  ].join('\n');
}
