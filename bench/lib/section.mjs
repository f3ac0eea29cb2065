// A section of docs/BENCHMARKS.md that its own command writes (`npm run fuzz`) and that
// `npm run bench`, which rewrites the page, carries over as it was.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO } from './util.mjs';

export const BENCHMARKS = join(REPO, 'docs', 'BENCHMARKS.md');
const marks = (name) => [`<!-- ${name}: start -->`, `<!-- ${name}: end -->`];

/** The marked section `name` of the page's text, markers included, or undefined. */
export function sectionOf(text, name) {
  const [start, end] = marks(name);
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  return a >= 0 && b > a ? text.slice(a, b + end.length) : undefined;
}

/** Writes `markdown` as the page's section `name`, in place of the old one or at the end. */
export async function writeSection(name, markdown) {
  const text = await readFile(BENCHMARKS, 'utf8').catch(() => '# Benchmarks\n');
  const [start, end] = marks(name);
  const section = `${start}\n${markdown.trim()}\n${end}`;
  const old = sectionOf(text, name);
  await writeFile(BENCHMARKS, old ? text.replace(old, () => section) : `${text.trimEnd()}\n\n${section}\n`);
}
