// 1. No-op build of synthetic projects against `make -rR -q` on the same graph and bare `node -e 0`.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { profileCli, profileMarkdown } from './lib/profile.mjs';
import { ms, QUICK, ratio, runCli, sample, summaryOf, table, timed } from './lib/util.mjs';

// What the full path costs, for the column that shows it beside the fast path.
const FULL =
  'The full path (`AIVP_FASTPATH=off`, also what any run with a changed file takes) reads the YAML (js-yaml; source ' +
  'positions only for messages), validates and resolves it, reads one JSON record per node and stats every input and output; the fast ' +
  'path replays the answer the last full no-op saved (`.aivp/noop.state`) after one stat per file it depended on, ' +
  'before the CLI framework, yaml, ajv, the engine or any SDK is imported. Its floor is Node start-up plus those stats ' +
  '(one per record and one per output: make stats only targets and prerequisites) and the NDJSON it prints (one event per node).';

export const title = 'No-op build';

export function sizes() {
  return QUICK ? [100, 1000] : [100, 1000, 10000];
}

export async function run(ctx) {
  const runs = QUICK ? 3 : 5;
  const node = await sample(() => timed(process.execPath, ['-e', '0']), { runs: 9 });
  const rows = [];
  const data = { node: node.wallMs, sizes: [] };
  for (const shots of sizes()) {
    const { dir, firstBuildMs } = await ctx.project(shots);
    const noop = (env) => async () => {
      const r = await runCli(dir, ['build', '--draft', '--json'], { env });
      const s = summaryOf(r.stdout);
      if (s.built || s.cached || s.failed) throw new Error(`no-op build of ${shots} shots did work: ${JSON.stringify(s)}`);
      return r;
    };
    // Two untimed runs: the first re-hashes outputs whose timestamps the Makefile step touched and
    // saves the no-op answer; the second saves it again if the first one's timestamps were racy.
    await noop()();
    await noop()();
    const cacheFile = join(dir, '.aivp', 'stat-cache.json');
    const before = (await stat(cacheFile)).mtimeMs;
    const n = shots >= 10000 ? 3 : runs;
    const aivp = await sample(noop(), { runs: n });
    const full = await sample(noop({ AIVP_FASTPATH: 'off' }), { runs: n });
    const zeroHashed = (await stat(cacheFile)).mtimeMs === before;
    const make = await sample(() => timed('make', ['-rR', '-q', '-C', dir]), { runs });
    const row = {
      shots, aivpMs: aivp.wallMs, aivpRssMb: aivp.rssMb, fullMs: full.wallMs, fullRssMb: full.rssMb,
      makeMs: make.wallMs, makeRssMb: make.rssMb, firstBuildMs, zeroHashed,
    };
    data.sizes.push(row);
    rows.push([
      shots.toLocaleString('en-US'), ms(aivp.wallMs), ms(full.wallMs), ms(make.wallMs), ms(node.wallMs),
      ratio(aivp.wallMs, make.wallMs), ratio(aivp.wallMs, node.wallMs), ratio(full.wallMs, make.wallMs),
      mb(aivp.rssMb), mb(full.rssMb), mb(make.rssMb), (firstBuildMs / 1000).toFixed(1),
    ]);
  }
  const largest = data.sizes.at(-1);
  const prof = await profileCli((await ctx.project(largest.shots)).dir, ['build', '--draft', '--json']);
  data.profile = prof;
  const target = largest.shots === 10000 ? largest.aivpMs / largest.makeMs <= 4 : undefined;
  const smallest = data.sizes[0];
  const startTarget = smallest.shots === 100 ? smallest.aivpMs / node.wallMs <= 2 : undefined;
  const rssTarget = largest.shots === 10000 ? largest.aivpRssMb <= 150 : undefined;
  const lin = linearity(data.sizes, node.wallMs);
  const verdict = (name, met, figure) => (met === undefined ? `${name}: not measured in quick mode.` : `${name}: ${met ? 'met' : 'missed'} (${figure}).`);
  const markdown = [
    `Median of ${runs} runs (3 at 10,000 shots) after two warm-up runs (\`aivp build --draft --json\` on an up-to-date project; the build also prints one NDJSON event per node), ` +
      'through the no-op fast path and, side by side, the full path (`AIVP_FASTPATH=off`). ' +
      `Projects: N shots in scenes of 10 chained through \`input\`, each shot also taking three source images and the style frame (N + 1 generated nodes, 4-5 inputs each). ` +
      '`make -rR -q` runs on the same graph written as a Makefile (targets = output files, prerequisites = input files). Memory is peak RSS.',
    '',
    table(
      ['shots', 'aivp ms', 'full path ms', 'make -q ms', 'node -e 0 ms', 'aivp / make', 'aivp / node', 'full path / make', 'aivp RSS MB', 'full path RSS MB', 'make RSS MB', 'first draft build s'],
      rows,
    ),
    '',
    `Stat cache on the timed runs: ${data.sizes.every((s) => s.zeroHashed) ? 'never rewritten, so zero bytes were hashed' : 'rewritten on some runs (files re-hashed)'}.`,
    `Growth: ${lin}.`,
    verdict('Target: 10,000 shots within 4x of make (stretch 3x)', target, ratio(largest.aivpMs, largest.makeMs)),
    verdict('Target: 100 shots within 2x of `node -e 0`', startTarget, ratio(smallest.aivpMs, node.wallMs)),
    verdict('Target: peak RSS of the 10,000-shot no-op at most 150 MB', rssTarget, `${mb(largest.aivpRssMb)} MB`),
    FULL,
    '',
    `Profile of one no-op build of ${largest.shots.toLocaleString('en-US')} shots on the fast path (\`node --cpu-prof\`):`,
    '',
    profileMarkdown(prof),
  ].join('\n');
  return { markdown, data };
}

/** Cost per shot above node startup at each size, and whether it stays flat (linear growth) at the large end. */
function linearity(sizes, nodeMs) {
  if (sizes.length < 2) return 'one size only';
  const per = sizes.map((s) => ({ shots: s.shots, per: (s.aivpMs - nodeMs) / s.shots }));
  const [a, b] = per.slice(-2);
  const verdict = b.per <= a.per * 1.25
    ? 'linear at the large end (flat cost per shot; startup dominates small projects)'
    : `superlinear: the cost per shot grows ${(b.per / a.per).toFixed(1)}x from ${a.shots.toLocaleString('en-US')} to ${b.shots.toLocaleString('en-US')} shots (see the profile below)`;
  return `${per.map((p) => `${p.shots.toLocaleString('en-US')} shots ${p.per.toFixed(3)} ms/shot`).join(', ')} above bare node; ${verdict}`;
}

const mb = (x) => (x === undefined ? 'n/a' : x.toFixed(0));
