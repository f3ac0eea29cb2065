// The shared writer: an imported project becomes aivp.project.yaml through the yaml Document API
// (comments, flow lists), its source images placed inside the project folder. Every check runs
// before the first byte is written.
import { lstat, readdir, realpath } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, sep } from 'node:path';
import { Document, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import { copyFileAtomic, writeFileAtomic } from '../base/atomic.js';
import { checkFolder } from '../base/inside.js';
import { UsageError } from '../base/errors.js';
import { ensureGitignore, IMAGE_EXTENSIONS, within } from '../project/files.js';
import { PROJECT_FILE } from '../project/report.js';
import { installEditorSchema, SCHEMA_LINE } from '../project/schema.js';
import { escapeVars } from '../project/vars.js';
import type { ImportedNode, ImportedProject } from './model.js';

export interface WriteOptions {
  /** Absolute path of the project folder (created when missing). */
  root: string;
  /** Replace an existing project file (and images copied by an earlier import). */
  force: boolean;
}

export interface WriteResult {
  file: string;
  /** Project-relative paths of the images and folders copied in. */
  copied: string[];
}

/** Where sources from outside the project folder are copied (paths in the file must stay inside it). */
const COPY_DIR = 'refs';

interface Copy {
  from: string;
  to: string;
  kind: 'file' | 'dir';
}

export async function writeProject(project: ImportedProject, opts: WriteOptions): Promise<WriteResult> {
  const file = join(opts.root, PROJECT_FILE);
  if (!opts.force && (await present(file))) {
    throw new UsageError(`${file} already exists: nothing was written (pass --force to replace it)`);
  }
  const copies = await placeSources(project.references, opts);
  for (const c of copies) checkFolder(opts.root, dirname(c.to));
  const text = render(project, basename(opts.root));

  for (const c of copies) await copyIn(c, opts.root);
  await writeFileAtomic(file, text, { inside: opts.root });
  await installEditorSchema(opts.root);
  await ensureGitignore(opts.root);
  return { file, copied: copies.map((c) => c.to) };
}

/** Sets each source reference's `file:`/`dir:`; sources outside the project folder are copied under refs/. */
async function placeSources(nodes: ImportedNode[], opts: WriteOptions): Promise<Copy[]> {
  const realRoot = await realpath(opts.root).catch(() => undefined);
  const copies: Copy[] = [];
  const conflicts: string[] = [];
  for (const node of nodes) {
    if (!node.source) continue;
    const real = await realpath(node.source.abs);
    let rel: string;
    if (realRoot !== undefined && within(realRoot, real)) {
      rel = relative(realRoot, real).split(sep).join('/') || '.';
    } else {
      rel = freeName(`${COPY_DIR}/${basename(real)}`, copies);
      copies.push({ from: real, to: rel, kind: node.source.kind });
      if (!opts.force && (await present(join(opts.root, rel)))) conflicts.push(rel);
    }
    node.fields = { [node.source.kind]: rel, ...node.fields };
  }
  if (conflicts.length) {
    throw new UsageError(
      `${conflicts.map((c) => join(opts.root, c)).join(', ')} already exist${conflicts.length === 1 ? 's' : ''}: nothing was written ` +
        '(images from outside the project folder are copied there; pass --force to replace them)',
    );
  }
  return copies;
}

/** Anything at `p`, a dangling link included (stat would call that nothing, and the write would replace it). */
function present(p: string): Promise<boolean> {
  return lstat(p).then(() => true, () => false);
}

function freeName(wanted: string, copies: Copy[]): string {
  const ext = extname(wanted);
  const stem = wanted.slice(0, wanted.length - ext.length);
  let name = wanted;
  for (let i = 2; copies.some((c) => c.to === name); i++) name = `${stem}_${i}${ext}`;
  return name;
}

async function copyIn(c: Copy, root: string): Promise<void> {
  const dest = join(root, c.to);
  // `inside`: a `refs/` that is a link leading out is refused before anything is copied there.
  if (c.kind === 'file') return copyFileAtomic(c.from, dest, { inside: root });
  // A `dir:` reference reads the images at the top of its folder; nothing else is needed.
  for (const entry of await readdir(c.from, { withFileTypes: true })) {
    if (entry.isFile() && IMAGE_EXTENSIONS.has(extname(entry.name).toLowerCase())) await copyFileAtomic(join(c.from, entry.name), join(dest, entry.name), { inside: root });
  }
}

function render(project: ImportedProject, name: string): string {
  const doc = new Document({ aivp: 1, name });
  doc.commentBefore = [SCHEMA_LINE.slice(1), ...project.origin.map((l) => ` ${l}`)].join('\n');
  const top = doc.contents as YAMLMap;
  const sections: [string, ImportedNode[]][] = [
    ['references', project.references],
    ['shots', project.shots],
    ['segments', project.segments],
  ];
  for (const [section, nodes] of sections) {
    if (nodes.length === 0) continue;
    const map = doc.createNode({}) as YAMLMap;
    for (const node of nodes) {
      const fields = { ...node.fields };
      if (typeof fields.prompt === 'string') fields.prompt = escapeVars(fields.prompt);
      const value = doc.createNode(fields) as YAMLMap;
      for (const p of value.items) {
        // Lists of names read best on one line: `keyframes: [frame_01, frame_02]`.
        if (isSeq(p.value)) p.value.flow = true;
        // `16:9` unquoted is the number 969 to a YAML 1.1 reader (PyYAML): every ratio is quoted.
        if (isScalar(p.value) && typeof p.value.value === 'string' && SEXAGESIMAL.test(p.value.value)) p.value.type = 'QUOTE_DOUBLE';
      }
      const pair = doc.createPair(node.name, value) as Pair<Node, YAMLMap>;
      if (node.comment) pair.key.commentBefore = commentOf(node.comment);
      map.items.push(pair);
    }
    const pair = doc.createPair(section, map) as Pair<Node, YAMLMap>;
    if (isScalar(pair.key)) pair.key.spaceBefore = true;
    top.items.push(pair);
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** A ratio, and so every string YAML 1.1 could read as a base-60 number. */
const SEXAGESIMAL = /^\d+(:\d+)+$/;

const commentOf = (text: string) => text.split('\n').map((l) => ` ${l}`).join('\n');
