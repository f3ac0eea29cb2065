// 4. Watch latency: project file saved -> the rebuilt node starts (draft: its node:start event;
// fal: its submit arriving at the fake server), p50 and p95 over a series of prompt edits.
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startFakeFal } from './lib/fake-fal.mjs';
import { shotName, writeProject } from './lib/project.mjs';
import { CLI, cliEnv, median, ms, percentile, QUICK, removeDir, table } from './lib/util.mjs';

export const title = 'Watch latency';

const SHOTS = 20;
const TIMEOUT_MS = 60_000;

export async function run() {
  const edits = QUICK ? 8 : 20;
  const draft = await series({ edits, draft: true });
  const fake = await startFakeFal({ jobMs: 50 });
  let fal;
  try {
    fal = await series({ edits, fake });
  } finally {
    await fake.close();
  }
  const row = (name, t) => [name, String(t.length), ms(median(t)), ms(percentile(t, 95)), ms(Math.min(...t)), ms(Math.max(...t))];
  const p50 = median(draft);
  const markdown = [
    `\`aivp watch\` on a ${SHOTS}-shot project; each edit rewrites aivp.project.yaml with a new prompt for the last shot, then waits for that rebuild to finish. ` +
      'Draft: save -> the node:start event of the edited shot on `--json` stdout. fal: save -> its submit request at the fake fal server (jobs finish after 50 ms). ' +
      'Both include watch\'s 100 ms debounce.',
    '',
    table(['mode', 'edits', 'p50 ms', 'p95 ms', 'min ms', 'max ms'], [row('watch --draft', draft), row('watch (fal, fake server)', fal)]),
    '',
    `Target (p50 <= 250 ms): ${p50 <= 250 ? 'met' : 'missed'} with draft (${ms(p50)} ms), ${median(fal) <= 250 ? 'met' : 'missed'} with fal (${ms(median(fal))} ms).`,
  ].join('\n');
  return { markdown, data: { draft, fal } };
}

async function series({ edits, draft, fake }) {
  const dir = await writeProject(SHOTS);
  const args = [CLI, '-C', dir, 'watch', '--json', ...(draft ? ['--draft'] : [])];
  const child = spawn(process.execPath, args, { env: cliEnv(fake?.env()), stdio: ['ignore', 'pipe', 'pipe'] });
  const waiters = new Set();
  const notify = (kind, line) => {
    const at = Date.now();
    for (const w of waiters) w(kind, line, at);
  };
  createInterface({ input: child.stdout }).on('line', (l) => notify('out', l));
  const errLines = [];
  createInterface({ input: child.stderr }).on('line', (l) => {
    errLines.push(l);
    notify('err', l);
  });
  const waitFor = (test) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(w);
        reject(new Error(`watch bench: timed out; stderr:\n${errLines.slice(-20).join('\n')}`));
      }, TIMEOUT_MS);
      const w = (kind, line, at) => {
        if (!test(kind, line)) return;
        clearTimeout(timer);
        waiters.delete(w);
        resolve(at);
      };
      waiters.add(w);
    });
  const idle = (kind, line) => kind === 'err' && line.includes('waiting for changes');
  const leaf = shotName(SHOTS);
  const file = join(dir, 'aivp.project.yaml');
  const latencies = [];
  try {
    await waitFor(idle);
    for (let i = 0; i < edits; i++) {
      await new Promise((r) => setTimeout(r, 150));
      const prompt = `Shot ${SHOTS} of the benchmark, edit ${i}`;
      const started = draft
        ? waitFor((kind, line) => kind === 'out' && line.includes('"node:start"') && line.includes(`"${leaf}"`))
        : new Promise((resolve) => {
            const off = fake.onSubmit((s) => {
              if (s.input.prompt === prompt) {
                off();
                resolve(s.at);
              }
            });
          });
      const done = waitFor(idle);
      const text = await withLeafPrompt(file, prompt, i);
      const t0 = Date.now();
      await writeFile(file, text);
      latencies.push((await started) - t0);
      await done;
    }
  } finally {
    child.kill('SIGINT');
    await new Promise((r) => child.once('close', r));
    await removeDir(dir);
  }
  return latencies;
}

/** The project text with the last shot's prompt replaced (the first edit replaces the generated prompt, later ones the previous edit). */
async function withLeafPrompt(file, prompt, i) {
  const text = await readFile(file, 'utf8');
  const from = i === 0 ? `Shot ${SHOTS} of the benchmark, wide angle` : `Shot ${SHOTS} of the benchmark, edit ${i - 1}`;
  if (!text.includes(from)) throw new Error(`watch bench: prompt "${from}" not found`);
  return text.replace(from, prompt);
}
