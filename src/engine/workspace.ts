// The project's build state as the engine sees it: records, the stat cache, the content cache and
// the team cache when there is one, opened once per build. Every file the engine reads or hashes goes through here.
// Watch opens one per rebuild from a WorkspaceState, which keeps what the previous opens read.
import { readdir } from 'node:fs/promises';
import { dirname, extname, join, posix, relative } from 'node:path';
import { outputRule } from '../graph/build.js';
import type { GraphNode } from '../graph/types.js';
import type { ResolvedProject } from '../project/types.js';
import type { NodeRecord } from './record-types.js';
import { getKeyRecord } from './store/content-cache.js';
import { RecordMemo } from './store/record-memo.js';
import { readAllRecords } from './store/records.js';
import { openStatCache, type StatCache } from './store/stat-cache.js';
import type { TeamCache } from './team.js';

export const MEDIA_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp', 'gif', 'bmp', 'mp4', 'webm', 'mov'];

export interface Workspace {
  root: string;
  project: ResolvedProject;
  records: Map<string, NodeRecord>;
  /** Record files that could not be used (corrupt, or naming a path outside the project): planned as if absent. */
  problems: string[];
  /**
   * sha256 of a file relative to root, or undefined when it does not exist, is not a regular file,
   * or is a link anywhere but at a source file the project names (an output that is a link is missing).
   */
  hash(rel: string): Promise<string | undefined>;
  /** Current hash of each output a record lists (undefined where the file is gone). */
  currentHashes(record: NodeRecord): Promise<(string | undefined)[]>;
  /** The record the local content cache holds for a key (when all its blobs are there), else the team cache's. */
  cachedRecord(key: string): Promise<NodeRecord | undefined>;
  team?: TeamCache;
  /** Files at a node's output paths (any media extension) when it has no record; all or nothing. */
  untrackedOutputs(node: GraphNode): Promise<{ path: string; sha256: string }[]>;
  /** Bytes hashed so far (zero on a no-op build with a warm stat cache). */
  hashedBytes(): number;
  save(): Promise<void>;
}

/**
 * Kept between the workspaces of one session (watch): the records already read, re-read only where
 * a record file's stat changed, and the stat cache in memory. Each open still answers exactly as a
 * fresh one would: every record file and every hashed file is stat'ed again.
 */
export class WorkspaceState {
  readonly records = new RecordMemo();
  private stat: { root: string; cache: Promise<StatCache> } | undefined;

  statCache(root: string): Promise<StatCache> {
    if (this.stat?.root !== root) this.stat = { root, cache: openStatCache(root) };
    return this.stat.cache;
  }
}

export async function openWorkspace(project: ResolvedProject, team?: TeamCache, state?: WorkspaceState): Promise<Workspace> {
  const root = project.root;
  const problems: string[] = [];
  const onCorrupt = (file: string, reason: string) => problems.push(`${relative(root, file)}: ${reason}: record ignored, the node is planned without it`);
  const owns = outputRule(project);
  const [records, stat] = await Promise.all([
    state ? state.records.read(root, project.paths.metadata, onCorrupt, owns) : readAllRecords(root, project.paths.metadata, onCorrupt, owns),
    state ? state.statCache(root) : openStatCache(root),
  ]);
  // A kept stat cache counts the whole session: this workspace reports its own share.
  const hashedBefore = stat.stats.hashedBytes;
  const listings = new Map<string, Promise<Set<string>>>();
  const list = (dir: string): Promise<Set<string>> => {
    let l = listings.get(dir);
    if (!l) {
      l = readdir(join(root, dir)).then((names) => new Set(names), () => new Set<string>());
      listings.set(dir, l);
    }
    return l;
  };
  const sources = sourceFiles(project);
  const hash = async (rel: string): Promise<string | undefined> => {
    // An output aivp wrote is never a link: one put there (to `../.env`, to a file outside) would be
    // read as a hand edit, kept, cached and uploaded downstream. Sources may be (the loader checked them).
    try {
      return await stat.hash(rel, { followLinks: sources.has(rel) });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTREG' || code === 'ENOTDIR') return undefined;
      throw err;
    }
  };
  const findOutput = async (planned: string): Promise<string | undefined> => {
    if (extname(planned)) return (await list(dirname(planned))).has(posix.basename(planned)) ? planned : undefined;
    const names = await list(dirname(planned));
    const ext = MEDIA_EXTENSIONS.find((e) => names.has(`${posix.basename(planned)}.${e}`));
    return ext ? `${planned}.${ext}` : undefined;
  };
  return {
    root,
    project,
    records,
    problems,
    hash,
    currentHashes: (record) => Promise.all(record.outputs.map((o) => hash(o.path))),
    cachedRecord: async (key) => (await getKeyRecord(root, key)) ?? team?.lookup(key),
    team,
    async untrackedOutputs(node) {
      const found: { path: string; sha256: string }[] = [];
      for (const planned of node.outputs) {
        const path = await findOutput(planned);
        const sha256 = path && (await hash(path));
        if (!path || !sha256) return [];
        found.push({ path, sha256 });
      }
      return found;
    },
    hashedBytes: () => stat.stats.hashedBytes - hashedBefore,
    save: () => stat.save(),
  };
}

/** The files the project names as sources (`file:`, `dir:` and the film's sound track): links the loader checked. */
function sourceFiles(project: ResolvedProject): Set<string> {
  const files = new Set<string>();
  for (const node of project.nodes) {
    if (node.kind !== 'segment' && node.file !== undefined) files.add(node.file);
    for (const f of node.kind === 'segment' ? [] : (node.dirFiles ?? [])) files.add(f);
  }
  for (const film of project.films) if (film.audio) files.add(film.audio.file);
  return files;
}
