// `aivp import ttv|csv FILE`: read the file, report every problem at its line, then write the
// project. Nothing is written when anything is wrong.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../base/errors.js';
import type { Diagnostic } from '../base/errors.js';
import { readCsv } from './csv.js';
import { createInputReport, createNames, type ImportedProject } from './model.js';
import { readTtv } from './ttv.js';
import { writeProject, type WriteResult } from './write.js';

export type ImportFormat = 'ttv' | 'csv';

export interface ImportOptions {
  /** The file as the user named it (shown in messages). */
  file: string;
  /** Folder that relative paths start from. */
  cwd: string;
  /** Project folder, absolute. */
  root: string;
  force: boolean;
  /** ttv: the start image, instead of provided_start_image.png beside the file. */
  initialImage?: string;
  /** ttv: a folder of reference images for every keyframe. */
  references?: string;
}

export interface ImportResult extends WriteResult {
  project: ImportedProject;
  warnings: Diagnostic[];
}

export async function importProject(format: ImportFormat, opts: ImportOptions): Promise<ImportResult> {
  const file = resolve(opts.cwd, opts.file);
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(err.code === 'ENOENT' ? `${opts.file}: no such file` : `cannot read ${opts.file}: ${err.message}`);
  });
  const report = createInputReport(opts.file);
  const names = createNames();
  const project =
    format === 'ttv'
      ? await readTtv(text.replace(/^\uFEFF/, ''), {
          file,
          initialImage: opts.initialImage === undefined ? undefined : resolve(opts.cwd, opts.initialImage),
          references: opts.references === undefined ? undefined : resolve(opts.cwd, opts.references),
        }, names, report)
      : await readCsv(text, { file }, names, report);
  if (!project || report.errors.length) {
    const n = report.errors.length;
    throw new UsageError(`${n} error${n === 1 ? '' : 's'} in ${opts.file}: nothing was written`, report.errors);
  }
  const written = await writeProject(project, { root: opts.root, force: opts.force });
  return { ...written, project, warnings: report.warnings };
}
