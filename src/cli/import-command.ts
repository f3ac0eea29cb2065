// `aivp import ttv|csv FILE`: the import itself lives in src/import/; this prints what happened.
import { relative, resolve } from 'node:path';
import { formatDiagnostic } from '../base/errors.js';
import { importProject, type ImportFormat } from '../import/index.js';

export interface ImportFlags {
  out?: string;
  force?: boolean;
  initialImage?: string;
  references?: string;
}

export async function importCommand(dir: string, format: ImportFormat, file: string, o: ImportFlags): Promise<number> {
  const root = resolve(dir, o.out ?? '.');
  const r = await importProject(format, { file, cwd: dir, root, force: o.force === true, initialImage: o.initialImage, references: o.references });
  for (const w of r.warnings) process.stderr.write(`${formatDiagnostic({ ...w, message: `warning: ${w.message}` })}\n`);
  const rel = relative(process.cwd(), root) || '.';
  const { references, shots, segments } = r.project;
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  process.stdout.write(
    `Wrote ${relative(process.cwd(), r.file)}: ${count(references.length, 'reference')}, ${count(shots.length, 'shot')}, ${count(segments.length, 'segment')}.\n` +
      (r.copied.length ? `Copied into the project: ${r.copied.join(', ')}.\n` : '') +
      `Next: aivp -C ${rel} validate, then aivp -C ${rel} build --draft (offline, free).\n`,
  );
  return 0;
}
