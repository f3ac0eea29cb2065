// 2. `aivp plan` on the no-op projects after one prompt edit, and `aivp validate` on the same files.
import { editPrompt, SCENE } from './lib/project.mjs';
import { profileCli, profileMarkdown } from './lib/profile.mjs';
import { ms, QUICK, runCli, sample, table, timed } from './lib/util.mjs';
import { sizes } from './noop.mjs';

export const title = 'Plan after one prompt edit, and validate';

function verdict(name, measured, limit) {
  if (measured === undefined) return `${name}: not measured in quick mode.`;
  return `${name}: ${measured <= limit ? 'met' : 'missed'} (${ms(measured)} ms).`;
}

export async function run(ctx) {
  const runs = QUICK ? 3 : 5;
  const node = await sample(() => timed(process.execPath, ['-e', '0']), { runs: 9 });
  const rows = [];
  const data = { node: node.wallMs, sizes: [] };
  for (const shots of sizes()) {
    const { dir } = await ctx.project(shots);
    // The first shot of the middle scene: it and the rest of its scene (10 nodes) go stale.
    const edited = Math.floor(shots / 2 / SCENE) * SCENE + 1;
    const restore = await editPrompt(dir, edited);
    try {
      const plan = async () => {
        const r = await runCli(dir, ['plan', '--draft', '--json']);
        const p = JSON.parse(r.stdout);
        const stale = p.entries.filter((e) => e.status === 'stale' || e.status === 'new');
        if (stale.length !== SCENE || !stale[0].reasons.includes('prompt changed')) {
          throw new Error(`plan of ${shots} shots: expected ${SCENE} stale nodes, got ${JSON.stringify(stale.slice(0, 3))}…`);
        }
        return r;
      };
      // The edit must not have left the stat cache cold: one untimed plan first, as a user's previous one would.
      await plan();
      const s = await sample(plan, { runs: shots >= 10000 ? 3 : runs });
      const validate = await sample(async () => {
        const r = await runCli(dir, ['validate']);
        if (!/: ok \(/.test(r.stdout)) throw new Error(`validate of ${shots} shots: ${r.stdout}${r.stderr}`);
        return r;
      }, { runs: shots >= 10000 ? 3 : runs });
      data.sizes.push({ shots, planMs: s.wallMs, rssMb: s.rssMb, validateMs: validate.wallMs });
      // Where the time goes, for the targets' sizes: plan at the largest, validate at 1,000.
      if (shots === sizes().at(-1)) data.planProfile = { shots, profile: await profileCli(dir, ['plan', '--draft', '--json'], { top: 10 }) };
      if (shots === 1000) data.validateProfile = { shots, profile: await profileCli(dir, ['validate'], { top: 10 }) };
      rows.push([
        shots.toLocaleString('en-US'), ms(s.wallMs), ms(validate.wallMs), ms(node.wallMs), ms((s.wallMs - node.wallMs) / shots), s.rssMb?.toFixed(0) ?? 'n/a',
      ]);
    } finally {
      await restore();
    }
  }
  const markdown = [
    `Median of ${runs} runs (3 at 10,000 shots) of \`aivp plan --draft --json\` after changing the prompt of the first shot of the middle scene, then of \`aivp validate\` on that file, ` +
      `(that shot and the 9 chained after it are reported stale, "prompt changed" / "input … will be rebuilt"; the run checks this).`,
    '',
    table(['shots', 'plan ms', 'validate ms', 'node -e 0 ms', 'plan ms per shot (above node)', 'plan RSS MB'], rows),
    '',
    verdict('Target: `plan` after one prompt edit at 10,000 shots in at most 0.6 s', data.sizes.find((x) => x.shots === 10000)?.planMs, 600),
    verdict('Target: `validate` at 1,000 shots in at most 0.25 s', data.sizes.find((x) => x.shots === 1000)?.validateMs, 250),
    'Both read the whole project file (js-yaml; the yaml library only for messages), check it against the schema and resolve every node; ' +
      '`plan` then reads one record per node and stats every output (hashing none: the stat cache is warm). ' +
      'Where a target is missed, the profiles below say why: file system calls (one read per record and one stat per output), the garbage ' +
      'collector, and, for `validate`, Node start-up and module loading, which no per-shot work can remove.',
    ...[data.planProfile && ['plan', data.planProfile], data.validateProfile && ['validate', data.validateProfile]].filter(Boolean).flatMap(([what, { shots, profile }]) => [
      '',
      `Profile of one \`aivp ${what}\` of ${shots.toLocaleString('en-US')} shots (\`node --cpu-prof\`):`,
      '',
      profileMarkdown(profile),
    ]),
  ].join('\n');
  return { markdown, data };
}
