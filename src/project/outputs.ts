// Where each node writes, and the rule that no two nodes write the same file (nor over a source).
import { extname, posix } from 'node:path';
import type { Entry } from './check.js';
import type { Reporter } from './report.js';
import { locate, type Path, type Source } from './source.js';
import type { FilmNode, PathsConfig, ProjectNode } from './types.js';

/**
 * The files a generated node writes, relative to the root: `output:`, else its folder and name
 * (`paths.*`), else a generated reference's `file:`; several takes as `<stem>_1`, `<stem>_2`, ….
 * A path without an extension takes the one of the bytes received.
 */
export function outputPaths(spec: ProjectNode, paths: PathsConfig): string[] {
  const base =
    spec.output ??
    (spec.kind === 'segment'
      ? posix.join(paths.segments, spec.name)
      : spec.kind === 'style'
        ? posix.join(paths.references, 'style_frame')
        : spec.kind === 'reference'
          ? (spec.file ?? posix.join(paths.references, spec.name))
          : posix.join(paths.keyframes, spec.name));
  const count = spec.kind === 'segment' ? 1 : spec.num_images;
  if (count === 1) return [base];
  const ext = extname(base);
  const stem = ext ? base.slice(0, -ext.length) : base;
  return Array.from({ length: count }, (_, i) => `${stem}_${i + 1}${ext}`);
}

/** A file or dir reference without a prompt: read, never written. */
export function isSourceNode(spec: ProjectNode): boolean {
  return spec.kind === 'reference' && spec.prompt === undefined && (spec.file !== undefined || spec.dir !== undefined);
}

/** The images a source reference stands for. */
export function sourceFilesOf(spec: ProjectNode): string[] {
  if (spec.kind === 'segment') return [];
  if (spec.dir !== undefined) return spec.dirFiles ?? [];
  return spec.file !== undefined ? [spec.file] : [];
}

interface Claim {
  path: string;
  /** The field that names the path (`output`, `file`), else the node. */
  at: Path;
  node: string;
  /** 1-based take, when the node makes several. */
  take?: number;
  /** A source image the node reads: writing over it would destroy the user's file. */
  source: boolean;
}

const EXTENSION = /\.[a-z0-9]+$/i;

/**
 * Files are compared as case-insensitive file systems (macOS, Windows) see them, whatever this
 * machine's: a project must build the same for everyone who clones it.
 */
const fold = (path: string) => path.normalize('NFC').toLowerCase();

/** One file: the same path, or a path without an extension and it with one (the bytes received decide it). */
function sameFile(x: string, y: string): boolean {
  const bare = (p: string) => !EXTENSION.test(posix.basename(p));
  return x === y || (bare(x) && y.startsWith(`${x}.`)) || (bare(y) && x.startsWith(`${y}.`));
}

function claimsOf({ raw, node }: Entry, paths: PathsConfig): Claim[] {
  if (isSourceNode(node)) {
    const at = [...raw.path, node.kind !== 'segment' && node.dir !== undefined ? 'dir' : 'file'];
    return sourceFilesOf(node).map((path) => ({ path, at, node: node.name, source: true }));
  }
  const named = node.output !== undefined ? 'output' : node.kind === 'reference' && node.file !== undefined ? 'file' : undefined;
  const at = named ? [...raw.path, named] : raw.path;
  const all = outputPaths(node, paths);
  return all.map((path, i) => ({ path, at, node: node.name, source: false, ...(all.length > 1 ? { take: i + 1 } : {}) }));
}

/** Every pair of nodes that would write one file (or over a source file) is an error at the later one, naming both. */
export function checkOutputs(entries: Entry[], films: FilmNode[], paths: PathsConfig, source: Source, report: Reporter): void {
  const claims = [
    ...entries.flatMap((e) => claimsOf(e, paths)),
    ...films.map((f): Claim => ({ path: f.output!, at: ['film', 'output'], node: f.name, source: false })),
  ];
  // Claims on one file share their path without extension: only those are compared.
  const byStem = new Map<string, Claim[]>();
  for (const c of claims) {
    const stem = fold(c.path).replace(EXTENSION, '');
    const group = byStem.get(stem);
    if (group) group.push(c);
    else byStem.set(stem, [c]);
  }
  const reported = new Set<string>();
  for (const group of byStem.values()) {
    for (const [i, later] of group.entries()) {
      const earlier = group.slice(0, i).find((c) => c.node !== later.node && !(c.source && later.source) && sameFile(fold(c.path), fold(later.path)));
      if (!earlier || reported.has(`${earlier.node} ${later.node}`)) continue;
      reported.add(`${earlier.node} ${later.node}`);
      const [over, other] = later.source ? [earlier, later] : [later, earlier];
      const what = (c: Claim) => `\`${c.node}\` (${c.take ? `take ${c.take}, ` : ''}line ${locate(source, c.at, 'key').line})`;
      const same = over.path === other.path ? `\`${over.path}\`` : `\`${over.path}\` and \`${other.path}\``;
      const caseOnly = sameFile(over.path.normalize('NFC'), other.path.normalize('NFC')) ? '' : ' (they differ only in case: one file on macOS and Windows)';
      const message = other.source
        ? `${what(over)} would write ${same}${caseOnly}, the source image of ${what(other)}: it would overwrite it`
        : `${what(over)} and ${what(other)} both write ${same}${caseOnly}: one would overwrite the other`;
      report.error(over.at, message, { at: 'key', hint: 'give one of them its own `output:` (or rename it)' });
    }
  }
}
