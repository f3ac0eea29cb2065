// loadProject: read, parse, validate and resolve aivp.project.yaml. Reports every problem at once;
// never writes anything.
import { statSync } from 'node:fs';
import { basename, join, posix, resolve, sep } from 'node:path';
import { UsageError } from '../base/errors.js';
import { canonicalModel, routeProvider } from '../providers/models.js';
import { parseRemoteUrl, REMOTE_URL_HINT, REMOTE_URL_PATTERN } from './remote-target.js';
import { applyChain, checkCycles, checkLinks, checkNodeRules, checkUniqueNames, type Entry } from './check.js';
import { insideChecker } from '../base/inside.js';
import { redact } from '../base/redact.js';
import { readState } from '../base/read.js';
import { resolveFilms } from './film.js';
import { checkInside, checkSourceFile, expandDir, type PathRules } from './files.js';
import { checkAudio, checkDuration, checkImageInputs, checkKeyframeAspect, checkKeyframes, checkModel, checkParams, checkRequestLimits, checkTakes } from './models-check.js';
import { byPosition, createReporter, fieldName, PROJECT_FILE, type Reporter } from './report.js';
import { collectNodes, normalizeRel, obj, resolveNode, str, type Obj, type ResolveContext } from './resolve.js';
import { checkOutputs } from './outputs.js';
import { checkSchema } from './schema.js';
import { checkAspectRatio, checkImageSize } from './size-check.js';
import { findKeys, KEY_MESSAGE_HINT } from './secrets.js';
import { parseSource, type Path, type Source } from './source.js';
import type { CacheConfig, ImageNode, PathsConfig, PriceOverride, ProviderSettings, ResolvedProject } from './types.js';
import { STATE_FOLDERS } from '../base/layout.js';
import { PROVIDERS } from '../providers/registry.js';

const DEFAULT_PATHS: PathsConfig = { references: 'references', keyframes: 'keyframes', segments: 'segments', metadata: 'metadata' };

export async function loadProject(dir: string): Promise<ResolvedProject> {
  const root = resolve(dir);
  const file = join(root, PROJECT_FILE);
  const text = await readState(file, 'project').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new UsageError(`no ${PROJECT_FILE} in ${root} (create one with \`aivp init\`)`);
    throw new UsageError(`cannot read ${file}: ${err.message}`);
  });
  return parseProject(root, text);
}

/**
 * The project as `text` says, for a project folder at `root`: what loadProject does once the file
 * is read (the folder is read only for the sources the text names). Tests plan from it without a disk.
 */
export async function parseProject(root: string, text: string): Promise<ResolvedProject> {
  const file = join(root, PROJECT_FILE);
  const { source, problems } = parseSource(text);
  const report = createReporter(source);
  for (const p of problems) report.errors.push({ file: PROJECT_FILE, line: p.line, col: p.col, message: redact(p.message), ...(p.hint ? { hint: p.hint } : {}) });
  // A duplicate key too: the data keeps the later value while positions find the earlier key, so
  // every check after it would report follow-on errors (an `unknown name`) at the wrong line.
  if (problems.length) fail(report);
  if (source.data === null || typeof source.data !== 'object' || Array.isArray(source.data)) {
    report.error([], 'the project file must be a mapping that starts with `aivp: 1`');
    fail(report);
  }
  const data = source.data as Obj;

  const skip = checkFormat(data, source.text, report);
  checkSchema(data, report, skip);
  const project = await resolveProject(root, file, source, data, report);
  if (report.errors.length) fail(report);
  project.warnings = report.warnings.sort(byPosition);
  return project;
}

function fail(report: Reporter): never {
  const n = report.errors.length;
  throw new UsageError(`${n} error${n === 1 ? '' : 's'} in ${PROJECT_FILE}`, report.errors.sort(byPosition));
}

/** Key-like fields and the format version; returns the fields the schema must not report again. */
function checkFormat(data: Obj, text: string, report: Reporter): Set<string> {
  const skip = new Set<string>();
  const keys = findKeys(data);
  for (const path of keys.fields) {
    skip.add(fieldName(path));
    report.error(path, `\`${String(path[path.length - 1])}\` looks like a credential: API keys are not accepted in the project file (it is committed)`, {
      at: 'key',
      hint: KEY_MESSAGE_HINT,
    });
  }
  for (const { path, what } of keys.values) {
    report.error(path, `\`${fieldName(path.slice(-1))}\` contains what looks like ${what}: keys are not accepted in the project file (it is committed)`, {
      hint: KEY_MESSAGE_HINT,
    });
  }
  skip.add('aivp');
  if (!Object.hasOwn(data, 'aivp')) {
    report.error([], 'missing required field `aivp` (the format version)', { hint: versionLineHint(text) });
  } else if (data.aivp === null || typeof data.aivp === 'object') {
    // A mapping or list has no text of its own (`{toString: x}` even breaks String()).
    report.error(['aivp'], `\`aivp\` is ${Array.isArray(data.aivp) ? 'a list' : data.aivp === null ? 'empty' : 'a mapping'}: it is the format version`, { hint: 'set `aivp: 1`' });
  } else if (data.aivp !== 1) {
    report.error(['aivp'], `unsupported format version \`${String(data.aivp)}\`: this aivp reads format 1`, {
      hint: typeof data.aivp === 'number' && data.aivp > 1 ? 'upgrade aivp to read this project' : 'set `aivp: 1`',
    });
  }
  return skip;
}

/**
 * Where `aivp: 1` goes: the first line, unless the file opens with comments (the editor's
 * `$schema` line), which stay above it.
 */
function versionLineHint(text: string): string {
  const lines = text.split(/\r?\n/);
  const first = lines.findIndex((l) => !/^\s*(#|$)/.test(l));
  const comments = lines.slice(0, Math.max(first, 0)).filter((l) => l.trim()).length;
  if (comments === 0) return 'add `aivp: 1` as the first line';
  return `add \`aivp: 1\` as line ${first + 1}, below the comment${comments > 1 ? 's' : ''} at the top`;
}

async function resolveProject(root: string, file: string, source: Source, data: Obj, report: Reporter): Promise<ResolvedProject> {
  const vars = Object.fromEntries(
    Object.entries(obj(data.vars)).filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v)).map(([k, v]) => [k, String(v)]),
  );
  const defaults = obj(data.defaults);
  const ctx: ResolveContext = { source, report, vars, imageDefaults: obj(defaults.image), videoDefaults: obj(defaults.video) };
  checkModelFields(ctx.imageDefaults, 'image', ['defaults', 'image'], report);
  checkModelFields(ctx.videoDefaults, 'video', ['defaults', 'video'], report);

  const entries: Entry[] = collectNodes(source, data).map((raw) => ({ raw, node: resolveNode(raw, ctx) }));
  for (const { raw } of entries) checkModelFields(raw.data, raw.kind === 'segment' ? 'video' : 'image', raw.path, report);
  checkUniqueNames(entries, report);
  if (defaults.chain === true) applyChain(entries);
  for (const e of entries) checkNodeRules(e, report);

  const rules: PathRules = { root, outside: insideChecker(root), report };
  const paths = await resolvePaths(obj(data.paths), rules);
  await checkFiles(entries, rules);
  checkLinks(entries, report);
  checkCycles(entries, report);
  const images = new Map(entries.flatMap(({ node }) => (node.kind === 'segment' ? [] : [[node.name, node] as [string, ImageNode]])));
  const paramsSeen = new Set<string>();
  for (const { raw, node } of entries) {
    checkParams(node, raw.data, raw.path, ['defaults', node.kind === 'segment' ? 'video' : 'image'], report, paramsSeen);
    if (node.kind !== 'segment') {
      checkImageInputs(node, raw.path, report);
      checkRequestLimits(node, raw.data, raw.path, report);
      checkTakes(node, raw.data, raw.path, report);
      checkImageSize(node, raw.data, raw.path, report);
      continue;
    }
    // Warnings about a segment sit on the segment, where the user can act on them.
    const own = (field: string) => (field in raw.data ? [...raw.path, field] : raw.path);
    checkDuration(node.model, node.duration, own('duration'), report);
    checkAudio(node, own('audio'), report);
    checkKeyframes(node, raw.path, report);
    checkAspectRatio(node, raw.data, raw.path, report);
    checkKeyframeAspect(node, images, raw.path, report);
  }
  warnUnused(entries, vars, report);
  const name = str(data.name) ?? basename(root);
  const films = await resolveFilms(data, name, entries, rules);
  for (const film of films) if (posix.dirname(film.output!) !== '.') checkIsFolder(posix.dirname(film.output!), rules);
  checkOutputs(entries, films, paths, source, report);

  // Keyed by what the user wrote: a model named `__proto__` must be a key, not the prototype.
  const prices: Record<string, PriceOverride> = Object.create(null);
  for (const [model, price] of Object.entries(obj(data.prices))) {
    if (!routeProvider(model)) report.warn(['prices', model], `price for \`${model}\`, which no provider serves`, { at: 'key' });
    prices[canonicalModel(model)] = obj(price) as PriceOverride;
  }
  const providers: Record<string, ProviderSettings> = {};
  for (const { id } of PROVIDERS.filter((p) => p.named)) {
    const concurrency = obj(obj(data.providers)[id]).concurrency;
    if (Number.isInteger(concurrency)) providers[id] = { concurrency: concurrency as number };
  }
  return {
    root,
    file,
    name,
    vars,
    providers,
    budget: typeof data.budget === 'number' ? data.budget : undefined,
    prices,
    paths,
    cache: resolveCache(obj(data.cache), report),
    nodes: entries.map((e) => e.node),
    films,
    warnings: [],
  };
}

/** The schema checks the shape of `cache.remote`; the prefix's segments are checked here. */
function resolveCache(given: Obj, report: Reporter): CacheConfig {
  const remote = str(given.remote);
  if (remote === undefined || !new RegExp(REMOTE_URL_PATTERN).test(remote)) return {};
  if (!parseRemoteUrl(remote)) {
    report.error(['cache', 'remote'], '`remote` has an empty, `.` or `..` segment in its prefix', { hint: REMOTE_URL_HINT });
    return {};
  }
  return { remote };
}

function checkModelFields(fields: Obj, media: 'image' | 'video', path: Path, report: Reporter): void {
  if (typeof fields.model === 'string') checkModel(fields.model, media, [...path, 'model'], report);
  if (Array.isArray(fields.fallback)) {
    fields.fallback.forEach((m, i) => typeof m === 'string' && checkModel(m, media, [...path, 'fallback', i], report));
  }
}

async function resolvePaths(given: Obj, rules: PathRules): Promise<PathsConfig> {
  const paths = { ...DEFAULT_PATHS };
  for (const key of Object.keys(DEFAULT_PATHS) as (keyof PathsConfig)[]) {
    const value = str(given[key]);
    if (value !== undefined && checkInside(value, ['paths', key], rules)) paths[key] = normalizeRel(value);
    else if (value === undefined) checkDefaultFolder(DEFAULT_PATHS[key], `paths.${key}`, rules);
  }
  for (const dir of STATE_FOLDERS) checkDefaultFolder(dir.split(sep).join('/'), undefined, rules);
  for (const dir of [...Object.values(paths), ...STATE_FOLDERS.map((d) => d.split(sep).join('/'))]) checkIsFolder(dir, rules);
  return paths;
}

/** A folder aivp writes by default, when a symbolic link leading outside, is refused like a `paths.*` entry that does. */
function checkDefaultFolder(dir: string, setting: string | undefined, rules: PathRules): void {
  if (!rules.outside(dir)) return;
  rules.report.error([], `the folder \`${dir}\` is a symbolic link leading outside the project folder: aivp writes there${setting ? ` (the default of \`${setting}\`)` : ''}`, {
    hint: setting ? `replace the link with a folder, or set \`${setting}\` to a folder inside the project` : 'replace the link with a folder',
  });
}

/** A folder aivp writes in that is something else (a file, a FIFO): refused before anything runs. */
function checkIsFolder(dir: string, rules: PathRules): void {
  let st;
  try {
    st = statSync(join(rules.root, dir), { throwIfNoEntry: false });
  } catch {
    return;
  }
  if (st && !st.isDirectory()) rules.report.error([], `\`${dir}\` is not a folder: aivp writes there`, { hint: 'remove it, or move it aside' });
}

async function checkFiles(entries: Entry[], rules: PathRules): Promise<void> {
  for (const { raw, node } of entries) {
    if (node.output !== undefined) checkInside(node.output, [...raw.path, 'output'], rules);
    if (node.kind === 'segment') continue;
    if (node.file !== undefined && checkInside(node.file, [...raw.path, 'file'], rules) && node.prompt === undefined) {
      await checkSourceFile(node.file, [...raw.path, 'file'], rules);
    }
    if (node.dir !== undefined && checkInside(node.dir, [...raw.path, 'dir'], rules)) {
      node.dirFiles = await expandDir(node.dir, [...raw.path, 'dir'], rules);
    }
  }
}

function warnUnused(entries: Entry[], vars: Record<string, string>, report: Reporter): void {
  const used = new Set(entries.flatMap((e) => e.node.vars));
  for (const name of Object.keys(vars)) {
    if (!used.has(name)) report.warn(['vars', name], `var \`${name}\` is never used`, { at: 'key' });
  }
}
