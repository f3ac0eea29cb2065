// `init`, `validate`, `graph`, `clean`, `gc`: commands about the project rather than a build.
import { cp, lstat, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { fileURLToPath } from 'node:url';
import { gc, putBlob } from '../engine/store/content-cache.js';
import { acquireBuildLock } from '../engine/store/lock.js';
import { readAllRecords, removeRecord } from '../engine/store/records.js';
import { buildGraph, outputRule } from '../graph/build.js';
import { formatGraph, type GraphFormat } from '../graph/format.js';
import { UsageError } from '../base/errors.js';
import { checkFolder } from '../base/inside.js';
import { ensureGitignore } from '../project/files.js';
import { installEditorSchema } from '../project/schema.js';
import type { ResolvedProject } from '../project/types.js';
import { loadAndWarn } from './load-project.js';

const TEMPLATES = fileURLToPath(new URL('../../templates/', import.meta.url));

export async function initCommand(target: string, o: { template: string; list?: boolean }): Promise<number> {
  const names = (await readdir(TEMPLATES, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  if (o.list) {
    process.stdout.write(`${names.join('\n')}\n`);
    return 0;
  }
  if (!names.includes(o.template)) {
    throw new UsageError(`no template named \`${o.template}\` (templates: ${names.join(', ')})`);
  }
  if (await exists(join(target, 'aivp.project.yaml'))) {
    throw new UsageError(`${join(target, 'aivp.project.yaml')} already exists: nothing was written`);
  }
  await mkdir(target, { recursive: true });
  await cp(join(TEMPLATES, o.template), target, { recursive: true, errorOnExist: true, force: false });
  await installEditorSchema(target);
  await ensureGitignore(target);
  const rel = relative(process.cwd(), target) || '.';
  process.stdout.write(`Created ${rel}/aivp.project.yaml from the ${o.template} template.\n${nextSteps(rel)}`);
  return 0;
}

/** The README's quick start, from the new folder. */
export function nextSteps(rel: string): string {
  const steps = [
    ...(rel === '.' ? [] : [`cd ${rel}`]),
    'aivp validate',
    'aivp plan --draft',
    'aivp build --draft',
    'aivp gallery --draft',
    'aivp watch --draft --serve',
  ];
  return `Next (offline, free):\n${steps.map((s) => `  ${s}\n`).join('')}` +
    'Then set the key its models need (`aivp plan` names any that is missing), then run `aivp build`.\n';
}

export async function validateCommand(dir: string): Promise<number> {
  const project = await loadAndWarn(dir, 'text', { requests: true });
  buildGraph(project);
  process.stdout.write(`aivp.project.yaml: ok (${project.nodes.length} nodes)\n`);
  return 0;
}

export async function graphCommand(dir: string, format: GraphFormat): Promise<number> {
  const project = await loadAndWarn(dir, 'none');
  process.stdout.write(`${formatGraph(buildGraph(project), format)}\n`);
  return 0;
}

/** Records (and their outputs) of nodes no longer in the project; the bytes go to the cache first. */
export async function cleanCommand(dir: string, o: { yes?: boolean }): Promise<number> {
  const project = await loadAndWarn(dir);
  // A build running now would write records and outputs this removes.
  const release = await acquireBuildLock(project.root);
  try {
    const names = new Set([...project.nodes, ...project.films].map((n) => n.name));
    const records = await readRecords(project);
    const gone = [...records.values()].filter((r) => !names.has(r.node));
    if (gone.length === 0) {
      process.stdout.write('Nothing to clean.\n');
      return 0;
    }
    for (const r of gone) process.stdout.write(`  ${r.node}: ${[...r.outputs.map((x) => x.path), `${project.paths.metadata}/${r.node}.json`].join(', ')}\n`);
    if (!(await confirmed(o.yes, 'clean removes the files above', `Remove ${gone.length} node(s)?`))) return 0;
    for (const r of gone) {
      for (const out of r.outputs) {
        const abs = join(project.root, out.path);
        checkFolder(project.root, dirname(abs));
        // An output that is a link is not the node's: the link goes, what it names is never read.
        if (await isRegularFile(abs)) {
          await putBlob(project.root, abs);
          await rm(abs, { force: true });
        }
      }
      await removeRecord(project.root, project.paths.metadata, r.node);
    }
    process.stdout.write(`Removed ${gone.length} node(s); their images stay in the cache until \`aivp gc\`.\n`);
    return 0;
  } finally {
    await release();
  }
}

/** Cached files no record uses: shown first, removed on --yes (they were paid for). */
export async function gcCommand(dir: string, o: { yes?: boolean } = {}): Promise<number> {
  const project = await loadAndWarn(dir);
  // A build running now would be adding blobs and key records that no record lists yet.
  const release = await acquireBuildLock(project.root);
  try {
    const records = await readRecords(project);
    const keepSha = new Set([...records.values()].flatMap((r) => r.outputs.map((o) => o.sha256)));
    const keepKeys = new Set([...records.values()].map((r) => r.key));
    const would = await gc(project.root, keepSha, keepKeys, { dryRun: true });
    if (would.removedBlobs === 0 && would.removedKeys === 0) {
      process.stdout.write('Nothing to remove: every cached file is used by a record.\n');
      return 0;
    }
    process.stdout.write(
      `  ${would.removedBlobs} cached file(s) (${mb(would.removedBytes)}) and ${would.removedKeys} cache entries that no record uses:\n` +
        '  earlier takes and versions, paid for; once removed, going back to them generates (and pays) again.\n',
    );
    if (!(await confirmed(o.yes, 'gc removes the cached files above', 'Remove them?'))) return 0;
    const r = await gc(project.root, keepSha, keepKeys);
    process.stdout.write(`Removed ${r.removedBlobs} cached file(s) (${mb(r.removedBytes)}) and ${r.removedKeys} cache entries.\n`);
    return 0;
  } finally {
    await release();
  }
}

/** --yes, or a yes at the terminal; without a terminal, a usage error saying to pass --yes. */
async function confirmed(yes: boolean | undefined, what: string, question: string): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY) throw new UsageError(`${what}: pass --yes to confirm`);
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question(`${question} [y/N] `);
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

/** The records, with each one that cannot be used reported (it is left alone, never followed). */
function readRecords(project: ResolvedProject) {
  return readAllRecords(
    project.root,
    project.paths.metadata,
    (file, reason) => process.stderr.write(`warning: ${relative(project.root, file)}: ${reason}: record ignored\n`),
    outputRule(project),
  );
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

async function isRegularFile(path: string): Promise<boolean> {
  return lstat(path).then((s) => s.isFile(), () => false);
}
