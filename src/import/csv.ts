// `aivp import csv`: a shot list, one shot per row under a header row. A `segment_prompt` makes a
// segment from that shot to the next one (the last shot's: a clip of that shot alone).
import { basename, dirname, extname, resolve } from 'node:path';
import { CsvError, parse, type Info } from 'csv-parse/sync';
import { insideChecker, type Outside } from '../base/inside.js';
import { kindOf, notAnImage } from '../project/files.js';
import { didYouMean } from '../project/suggest.js';
import { SIZE_PATTERN } from '../providers/size.js';
import { sanitize, type ImportedNode, type ImportedProject, type InputReport, type Names } from './model.js';

export interface CsvOptions {
  /** Absolute path of the CSV file; paths in it are relative to its folder. */
  file: string;
}

const REQUIRED = ['shot', 'prompt'] as const;
const OPTIONAL = ['refs', 'input', 'seed', 'model', 'size', 'segment_prompt', 'duration', 'notes'] as const;
type Column = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number];
const COLUMNS: readonly string[] = [...REQUIRED, ...OPTIONAL];

/** One row, by column, with the line it starts on. */
interface Row {
  line: number;
  cells: Partial<Record<Column, string>>;
}

export async function readCsv(text: string, opts: CsvOptions, names: Names, report: InputReport): Promise<ImportedProject | undefined> {
  const rows = parseRows(text, report);
  if (!rows) return undefined;
  const shotRows = rows.filter((r) => Object.values(r.cells).some((c) => c.trim() !== ''));
  if (shotRows.length === 0) {
    report.error(1, undefined, 'no shots: the file has a header row and nothing under it', { hint: 'add one row per shot' });
    return undefined;
  }
  const shotName = nameShots(shotRows, names, report);
  if (report.errors.length) return undefined;
  const linker = createLinker(opts.file, shotName, names, report);

  const shots: ImportedNode[] = [];
  const segments: ImportedNode[] = [];
  for (const [i, row] of shotRows.entries()) {
    const name = shotName.get(row.cells.shot!.trim())!;
    shots.push(await shotOf(row, name, linker.link, report));
    const next = shotRows[i + 1] && shotName.get(shotRows[i + 1].cells.shot!.trim());
    const segment = segmentOf(row, next ? [name, next] : [name], report);
    if (segment) segments.push({ name: `seg_${name}`, fields: segment });
  }
  if (report.errors.length) return undefined;
  // Segment names last: a shot called `seg_x` keeps its name.
  for (const s of segments) s.name = names.take(s.name, s.name, 'segment');

  return {
    origin: [`Imported by \`aivp import csv\` from the shot list ${basename(opts.file)} (${shots.length} shot(s), ${segments.length} segment(s)).`],
    references: linker.references(),
    shots,
    segments,
  };
}

/** Node names by shot id, taken before any reference's so each shot keeps the name it asked for. */
function nameShots(rows: Row[], names: Names, report: InputReport): Map<string, string> {
  const shotName = new Map<string, string>();
  const lineOf = new Map<string, number>();
  for (const [i, r] of rows.entries()) {
    const id = (r.cells.shot ?? '').trim();
    if (!id) {
      report.error(r.line, undefined, 'empty `shot`: every row names its shot', { field: 'shot' });
      continue;
    }
    if (lineOf.has(id)) {
      report.error(r.line, undefined, `shot \`${id}\` is already on line ${lineOf.get(id)}`, { field: 'shot', hint: 'shot names are unique' });
      continue;
    }
    lineOf.set(id, r.line);
    shotName.set(id, names.take(id, `shot_${i + 1}`, 'shot'));
  }
  return shotName;
}

const OUTSIDE: Record<Outside, string> = {
  absolute: 'is an absolute path',
  outside: "leads outside the CSV file's folder",
  symlink: "leads outside the CSV file's folder through a symbolic link",
};

type Link = (token: string, row: Row, column: 'refs' | 'input') => Promise<string | undefined>;

/** Resolves `refs`/`input` tokens: a shot of this file (by id or by its node name), else an image or folder beside it, made a reference once. */
function createLinker(file: string, shotName: Map<string, string>, names: Names, report: InputReport): { link: Link; references(): ImportedNode[] } {
  const shotIds = [...shotName.keys()];
  // A token may name a shot loosely (`keeper` for `Keeper`), unless two shots fold to it.
  const bySanitized = new Map<string, string[]>();
  for (const id of shotIds) bySanitized.set(sanitize(id), [...(bySanitized.get(sanitize(id)) ?? []), id]);
  const references = new Map<string, ImportedNode>();
  const inFolder = insideChecker(dirname(file));
  const link: Link = async (token, row, column) => {
    const loose = shotName.has(token) ? [token] : (bySanitized.get(sanitize(token)) ?? []);
    if (loose.length === 1) return shotName.get(loose[0]);
    if (loose.length > 1) {
      report.error(row.line, undefined, `\`${token}\` could be shot ${loose.map((id) => `\`${id}\``).join(' or ')}`, { field: column, hint: 'write the shot exactly as its `shot` cell does' });
      return undefined;
    }
    // Paths in the file's contents stay in its folder, and leave it through no link: a shot list
    // from elsewhere cannot have images copied in (and later uploaded) from anywhere on disk.
    const outside = inFolder(token);
    if (outside) {
      report.error(row.line, undefined, `\`${token}\` ${OUTSIDE[outside]}`, { field: column, hint: 'paths in a shot list stay inside its folder: put the image beside the CSV file or below it' });
      return undefined;
    }
    const abs = resolve(file, '..', token);
    const kind = await kindOf(abs);
    const problem =
      kind === undefined ? 'is neither a shot of this file nor an image beside it'
      : kind === 'dir' && column === 'input' ? 'is a folder: `input` takes one image'
      : kind === 'file' ? await notAnImage(abs).then((why) => why && `is not an image: ${why}`)
      : undefined;
    if (problem) {
      const hint = kind === undefined ? (didYouMean(token, shotIds) ?? 'paths are relative to the CSV file') : undefined;
      report.error(row.line, undefined, `\`${token}\` ${problem}`, { field: column, hint });
      return undefined;
    }
    let ref = references.get(abs);
    if (!ref) {
      ref = { name: names.take(basename(abs, extname(abs)), 'ref', 'reference'), fields: {}, source: { kind: kind!, abs } };
      references.set(abs, ref);
    }
    return ref.name;
  };
  return { link, references: () => [...references.values()] };
}

async function shotOf(row: Row, name: string, link: Link, report: InputReport): Promise<ImportedNode> {
  const c = row.cells;
  const id = c.shot!.trim();
  const fields: Record<string, unknown> = {};
  const prompt = c.prompt ?? '';
  if (prompt.trim()) fields.prompt = prompt;
  const input = c.input?.trim();
  if (input) {
    const target = await link(input, row, 'input');
    if (target === name) report.error(row.line, undefined, `shot \`${id}\` cannot be its own \`input\``, { field: 'input' });
    else if (target) fields.input = target;
  }
  if (!prompt.trim() && !input) {
    report.error(row.line, undefined, `shot \`${id}\` has an empty \`prompt\``, { field: 'prompt', hint: 'only a shot with an `input` (an upscale) runs without one' });
  }
  const refs: string[] = [];
  for (const token of (c.refs ?? '').split(/[\s,;]+/).filter(Boolean)) {
    const target = await link(token, row, 'refs');
    if (target && !refs.includes(target)) refs.push(target);
  }
  if (refs.length) fields.refs = refs;
  const seed = c.seed?.trim();
  if (seed) {
    if (/^\d+$/.test(seed) && Number.isSafeInteger(Number(seed))) fields.seed = Number(seed);
    else report.error(row.line, undefined, `seed \`${seed}\` is not a whole number from 0`, { field: 'seed' });
  }
  if (c.model?.trim()) fields.model = c.model.trim();
  const size = c.size?.trim();
  if (size) {
    if (SIZE_PATTERN.test(size)) fields.size = size;
    else report.error(row.line, undefined, `size \`${size}\` is not a size`, { field: 'size', hint: 'square, portrait, landscape, WxH (1280x720) or an aspect ratio (16:9)' });
  }
  const notes = c.notes?.trim();
  return { name, fields, ...(notes ? { comment: notes } : {}) };
}

/** The segment a row's `segment_prompt` makes, or undefined (a `duration` without one is an error). */
function segmentOf(row: Row, keyframes: string[], report: InputReport): Record<string, unknown> | undefined {
  const prompt = row.cells.segment_prompt ?? '';
  const duration = row.cells.duration?.trim();
  if (!prompt.trim()) {
    if (duration) report.error(row.line, undefined, "`duration` without a `segment_prompt`: the duration is the segment's", { field: 'duration' });
    return undefined;
  }
  const segment: Record<string, unknown> = { keyframes, prompt };
  if (duration) {
    const seconds = Number(duration);
    if (Number.isFinite(seconds) && seconds > 0) segment.duration = seconds;
    else report.error(row.line, undefined, `duration \`${duration}\` is not a number of seconds above 0`, { field: 'duration' });
  }
  return segment;
}

/** The records under the header, by column; undefined (errors reported) when the file cannot be read as a shot list. */
function parseRows(text: string, report: InputReport): Row[] | undefined {
  // One line ending: csv-parse counts lines wrong after an empty CRLF line, and the YAML written
  // from a multi-line cell has LF line breaks anyway.
  const normalized = text.replace(/\r\n?/g, '\n');
  let records: { record: string[]; info: Info }[];
  try {
    // The sync typings do not model `info: true`, which wraps each record with its line count.
    records = parse(normalized, { bom: true, skip_empty_lines: true, relax_column_count: true, info: true }) as unknown as typeof records;
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    const line = (err as CsvError & { lines?: number }).lines ?? 1;
    report.error(line, undefined, `not valid CSV: ${err.message}`);
    return undefined;
  }
  if (records.length === 0) {
    report.error(1, undefined, 'the file is empty: a shot list starts with a header row', { hint: `columns: ${COLUMNS.join(', ')}` });
    return undefined;
  }
  const header = records[0].record.map((h) => h.trim().toLowerCase().replace(/\s+/g, '_'));
  const headerLine = records[0].info.lines;
  const index = new Map<Column, number>();
  header.forEach((h, i) => {
    if (!COLUMNS.includes(h)) {
      if (h) report.warn(headerLine, undefined, `column \`${h}\` is not imported`, { hint: didYouMean(h, COLUMNS) ?? `columns: ${COLUMNS.join(', ')}` });
      return;
    }
    if (index.has(h as Column)) report.error(headerLine, undefined, `column \`${h}\` appears twice in the header`);
    else index.set(h as Column, i);
  });
  for (const col of REQUIRED) {
    if (!index.has(col)) {
      const near = header.find((h) => !COLUMNS.includes(h) && didYouMean(h, [col]));
      report.error(headerLine, undefined, `missing column \`${col}\``, {
        hint: near ? `did you mean \`${near}\`?` : `the header row names the columns: ${REQUIRED.join(', ')} and optionally ${OPTIONAL.join(', ')}`,
      });
    }
  }
  if (report.errors.length) return undefined;
  const rows: Row[] = [];
  for (const { record, info } of records.slice(1)) {
    // info.lines is where the record ends; a quoted cell may span lines.
    const line = info.lines - record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
    if (record.length > header.length) {
      report.error(line, undefined, `${record.length} cells but the header has ${header.length} columns`, { hint: 'quote a cell that holds a comma: "a, b"' });
      continue;
    }
    const cells: Row['cells'] = {};
    for (const [col, i] of index) if (record[i] !== undefined) cells[col] = record[i];
    rows.push({ line, cells });
  }
  return report.errors.length ? undefined : rows;
}
