// 2. `aivp plan` on the no-op projects after one prompt edit.
import { editPrompt, SCENE } from './lib/project.mjs';
import { ms, QUICK, runCli, sample, table, timed } from './lib/util.mjs';
import { sizes } from './noop.mjs';

export const title = 'Plan after one prompt edit';

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
      const s = await sample(plan, { runs: shots >= 10000 ? 3 : runs });
      data.sizes.push({ shots, planMs: s.wallMs, rssMb: s.rssMb });
      rows.push([shots.toLocaleString('en-US'), ms(s.wallMs), ms(node.wallMs), ms((s.wallMs - node.wallMs) / shots), s.rssMb?.toFixed(0) ?? 'n/a']);
    } finally {
      await restore();
    }
  }
  const markdown = [
    `Median of ${runs} runs (3 at 10,000 shots) of \`aivp plan --draft --json\` after changing the prompt of the first shot of the middle scene ` +
      `(that shot and the 9 chained after it are reported stale, "prompt changed" / "input … will be rebuilt"; the run checks this).`,
    '',
    table(['shots', 'plan ms', 'node -e 0 ms', 'ms per shot (above node)', 'RSS MB'], rows),
  ].join('\n');
  return { markdown, data };
}
