// `npm run bench:compare -- <checkout>`: this checkout against another one (an earlier commit,
// built with `npm run build`), side by side in one run, for the figures a refactor must not move:
// the no-op build (fast and full path), `plan` after one prompt edit, and `validate`. The same
// synthetic projects, one copy per version (their state files differ between versions), runs
// alternating A, B, A, B, so a drift in the machine's load falls on both alike. Prints markdown.
import { cp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { builtProject, editPrompt, SCENE } from './lib/project.mjs';
import { cliEnv, CLI, ensureBuilt, machine, median, ms, QUICK, removeDir, summaryOf, table, tempDir, timed } from './lib/util.mjs';

const other = process.argv[2];
if (!other) throw new Error('usage: node bench/compare.mjs <path of the other checkout, built>');
const BEFORE = join(resolve(other), 'dist', 'cli', 'main.js');
if (!existsSync(BEFORE)) throw new Error(`${BEFORE} does not exist: run npm run build in ${other}`);
ensureBuilt();

const SIZES = QUICK ? [100, 1000] : [100, 1000, 10000];
const RUNS = QUICK ? 3 : 5;

const run = (cli, dir, args, env) => timed(process.execPath, [cli, '-C', dir, ...args], { env: cliEnv(env) });

/** Medians of `runs` alternating runs of before(dirB) and after(dirA), after one untimed run of each. */
async function alternate(measure, dirs, runs) {
  const times = { before: [], after: [] };
  await measure(BEFORE, dirs.before);
  await measure(CLI, dirs.after);
  for (let i = 0; i < runs; i++) {
    times.before.push((await measure(BEFORE, dirs.before)).wallMs);
    times.after.push((await measure(CLI, dirs.after)).wallMs);
  }
  return { before: median(times.before), after: median(times.after) };
}

const noop = (env) => async (cli, dir) => {
  const r = await run(cli, dir, ['build', '--draft', '--json'], env);
  const s = summaryOf(r.stdout);
  if (s.built || s.cached || s.failed) throw new Error(`no-op build in ${dir} did work: ${JSON.stringify(s)}`);
  return r;
};
const plan = async (cli, dir) => {
  const r = await run(cli, dir, ['plan', '--draft', '--json']);
  const stale = JSON.parse(r.stdout).entries.filter((e) => e.status === 'stale');
  if (stale.length !== SCENE) throw new Error(`plan in ${dir}: ${stale.length} stale nodes, expected ${SCENE}`);
  return r;
};
const validate = async (cli, dir) => {
  const r = await run(cli, dir, ['validate']);
  if (!/: ok \(/.test(r.stdout)) throw new Error(`validate in ${dir}: ${r.stdout}${r.stderr}`);
  return r;
};

const rows = [];
const started = Date.now();
for (const shots of SIZES) {
  process.stderr.write(`bench:compare: ${shots} shots\n`);
  const { dir } = await builtProject(shots);
  const copy = await tempDir(`before${shots}`);
  await cp(dir, copy, { recursive: true });
  // Each version brings its own copy's state files up to date (stat cache, no-op answer).
  const dirs = { after: dir, before: copy };
  try {
    for (let i = 0; i < 2; i++) {
      await noop()(BEFORE, copy);
      await noop()(CLI, dir);
    }
    const runs = shots >= 10000 ? 3 : RUNS;
    const add = (what, r) => rows.push([what, shots.toLocaleString('en-US'), ms(r.before), ms(r.after), `${(r.after / r.before).toFixed(2)}x`]);
    add('no-op build (fast path)', await alternate(noop(), dirs, runs));
    add('no-op build (full path)', await alternate(noop({ AIVP_FASTPATH: 'off' }), dirs, runs));
    const edited = Math.floor(shots / 2 / SCENE) * SCENE + 1;
    const restore = [await editPrompt(dir, edited), await editPrompt(copy, edited)];
    add('plan after one prompt edit', await alternate(plan, dirs, runs));
    await Promise.all(restore.map((r) => r()));
    add('validate', await alternate(validate, dirs, runs));
  } finally {
    await removeDir(dir);
    await rm(copy, { recursive: true, force: true });
  }
}

const m = machine();
process.stdout.write([
  `Compared with ${resolve(other)} on ${m.cpu}, ${m.cores} cores, ${m.platform}, Node ${m.node}, ${m.date}${QUICK ? ' (quick)' : ''}; ${((Date.now() - started) / 60000).toFixed(1)} min.`,
  `Medians of ${RUNS} alternating runs (3 at 10,000 shots), each after one untimed run of both.`,
  '',
  table(['measure', 'shots', 'before ms', 'after ms', 'after / before'], rows),
  '',
].join('\n'));
