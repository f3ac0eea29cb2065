// Synthetic projects: N shots in scenes of 10 chained through `input`, every shot also taking three
// source-file references and the style frame; plus the same graph written as a Makefile.
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { runCli, summaryOf, tempDir } from './util.mjs';

export const SCENE = 10;
const REFS = ['ref_a', 'ref_b', 'ref_c'];

export const shotName = (i) => `s${String(i).padStart(5, '0')}`;

export function projectYaml(shots, { model = 'fal-ai/nano-banana-pro', edited } = {}) {
  const lines = [
    'aivp: 1',
    `name: bench-${shots}`,
    'defaults:',
    `  image: { model: ${model}, size: 64x64 }`,
    'references:',
    ...REFS.map((r) => `  ${r}: { file: refs/${r}.png }`),
    'style:',
    '  prompt: "Storm over cliffs, flat colours"',
    'shots:',
  ];
  for (let i = 1; i <= shots; i++) {
    const prompt = i === edited ? `Shot ${i} of the benchmark, edited` : `Shot ${i} of the benchmark, wide angle`;
    lines.push(`  ${shotName(i)}:`, `    prompt: "${prompt}"`);
    if ((i - 1) % SCENE !== 0) lines.push(`    input: ${shotName(i - 1)}`);
    lines.push(`    refs: [${[...REFS, 'style'].join(', ')}]`);
  }
  return `${lines.join('\n')}\n`;
}

/** A fresh project folder with its source references; not built. */
export async function writeProject(shots, opts = {}) {
  const dir = await tempDir(`p${shots}`);
  await mkdir(join(dir, 'refs'));
  for (const [i, r] of REFS.entries()) {
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 40 * i, g: 90, b: 200 - 40 * i } } }).png().toBuffer();
    await writeFile(join(dir, 'refs', `${r}.png`), png);
  }
  await writeFile(join(dir, 'aivp.project.yaml'), projectYaml(shots, opts));
  return dir;
}

/** Draft-builds a fresh project once; returns its folder and how long the first build took. */
export async function builtProject(shots) {
  const dir = await writeProject(shots);
  const r = await runCli(dir, ['build', '--draft', '--json']);
  const s = summaryOf(r.stdout);
  if (s.failed || s.built + s.cached < shots + 1) throw new Error(`draft build of ${shots} shots: ${JSON.stringify(s)}`);
  await writeMakefile(dir, shots);
  return { dir, firstBuildMs: r.wallMs, firstBuildRssMb: r.rssMb };
}

/** The project's graph for make: target = output file, prerequisites = its input files. */
export async function writeMakefile(dir, shots) {
  const withExt = async (sub, stem) => {
    const names = await readdir(join(dir, sub));
    const hit = names.find((n) => n.startsWith(`${stem}.`));
    if (!hit) throw new Error(`no output ${sub}/${stem}.*`);
    return `${sub}/${hit}`;
  };
  const keyframes = new Set(await readdir(join(dir, 'keyframes')));
  const ext = [...keyframes][0].split('.').pop();
  const style = await withExt('references', 'style_frame');
  const refs = REFS.map((r) => `refs/${r}.png`);
  const out = (i) => `keyframes/${shotName(i)}.${ext}`;
  const rules = [`${style}: ; @:`];
  const all = [style];
  for (let i = 1; i <= shots; i++) {
    const prereqs = [...((i - 1) % SCENE !== 0 ? [out(i - 1)] : []), ...refs, style];
    rules.push(`${out(i)}: ${prereqs.join(' ')}\n\t@:`);
    all.push(out(i));
  }
  await writeFile(join(dir, 'Makefile'), `.PHONY: all\nall: ${all.join(' ')}\n\n${rules.join('\n')}\n`);
  // Up to date for make: every output as new as its inputs (outputs stamped after the sources).
  const now = new Date();
  for (const f of all) await utimes(join(dir, f), now, now);
}

/** Replaces one shot's prompt in place; returns a function restoring the file. */
export async function editPrompt(dir, shot) {
  const file = join(dir, 'aivp.project.yaml');
  const before = await readFile(file, 'utf8');
  const after = before.replace(`Shot ${shot} of the benchmark, wide angle`, `Shot ${shot} of the benchmark, edited`);
  if (after === before) throw new Error(`shot ${shot} prompt not found`);
  await writeFile(file, after);
  return () => writeFile(file, before);
}
