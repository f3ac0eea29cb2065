// The code base tells the truth about itself: every module is used by the CLI, every runtime
// dependency is imported, and each of the ideas below has one implementation (a second copy is how
// one of them ended up without fsync, and two redactors disagreed about what to hide).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { USER_ONLY_ENV } from '../src/context/config.js';
import { PROVIDERS } from '../src/providers/registry.js';
import { REPO } from './cli/helpers.js';

const SRC = join(REPO, 'src');

function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}
const files = new Map(sourceFiles().map((f) => [relative(SRC, f).replace(/\\/g, '/'), readFileSync(f, 'utf8')]));

/** The files (relative to src/) whose text matches. */
const where = (re: RegExp) => [...files].filter(([, text]) => re.test(text)).map(([f]) => f).sort();

/** Each src/ file's relative imports (static, type-only and import()), as paths relative to src/. */
const ANY_IMPORT = /(?:from\s+|import\(\s*)['"](\.{1,2}\/[^'"]+)\.js['"]/g;
/** The imports a file loads when it runs: static ones that are not `import type`. */
const RUNTIME_IMPORT = /^import\s+(?!type\s)[^;]*?from\s+['"](\.{1,2}\/[^'"]+)\.js['"]/gms;

function importsOf(f: string, re = ANY_IMPORT): string[] {
  return [...files.get(f)!.matchAll(re)].map((m) => relative(SRC, resolve(SRC, dirname(f), `${m[1]}.ts`)).replace(/\\/g, '/'));
}

/** Every file reached from `start` by following `re` imports. */
function reachable(start: string, re = ANY_IMPORT): Set<string> {
  const seen = new Set<string>();
  const todo = [start];
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f) || !files.has(f)) continue;
    seen.add(f);
    todo.push(...importsOf(f, re));
  }
  return seen;
}

/** A file's folder: its first directory under src/. */
const folderOf = (f: string) => f.split('/')[0];

describe('no dead code', () => {
  it('every module under src/ is reached from the CLI entry point, statically or by import()', () => {
    const seen = reachable('cli/main.ts');
    expect([...files.keys()].filter((f) => !seen.has(f))).toEqual([]);
  });

  it('every runtime dependency is imported by src/', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
    const all = [...files.values()].join('\n');
    const unused = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})]
      .filter((d) => !all.includes(`'${d}'`) && !all.includes(`'${d}/`));
    expect(unused).toEqual([]);
  });
});

describe('structure', () => {
  it('folders import each other in one direction only (no cycle in the folder graph)', () => {
    const edges = new Map<string, Set<string>>();
    for (const f of files.keys()) {
      for (const t of importsOf(f)) {
        const [a, b] = [folderOf(f), folderOf(t)];
        if (a !== b) edges.set(a, (edges.get(a) ?? new Set()).add(b));
      }
    }
    // Depth-first search: a folder met again while still on the path closes a cycle.
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (n: string, path: string[]) => {
      if (state.get(n) === 'done') return;
      if (state.get(n) === 'open') return void cycles.push([...path.slice(path.indexOf(n)), n].join(' -> '));
      state.set(n, 'open');
      for (const m of edges.get(n) ?? []) visit(m, [...path, n]);
      state.set(n, 'done');
    };
    for (const n of edges.keys()) visit(n, []);
    expect(cycles).toEqual([]);
  });

  it('the ground floor (base/) imports nothing above it', () => {
    const up = [...files.keys()].filter((f) => folderOf(f) === 'base').flatMap((f) => importsOf(f).filter((t) => folderOf(t) !== 'base').map((t) => `${f} -> ${t}`));
    expect(up).toEqual([]);
  });

  it("outside providers/, nothing imports from a provider's own folder: only the interface and the registry", () => {
    const inside = [...files.keys()].filter((f) => folderOf(f) !== 'providers')
      .flatMap((f) => importsOf(f).filter((t) => /^providers\/[^/]+\//.test(t)).map((t) => `${f} -> ${t}`));
    expect(inside).toEqual([]);
  });

  it("a provider's key variables are named only in its own folder", () => {
    const folders = PROVIDERS.flatMap((p) => p.keyVars).map((v) => [v, [...new Set(where(new RegExp(`\\b${v}\\b`)).map((f) => f.split('/').slice(0, 2).join('/')))]]);
    expect(folders.filter(([, fs]) => fs.length !== 1 || !fs[0].startsWith('providers/'))).toEqual([]);
  });

  it('planning, assessment, scheduling, status and the gallery view touch no disk and no team cache (the workspace is their seam)', () => {
    const pure = ['engine/plan.ts', 'engine/assess.ts', 'engine/schedule.ts', 'engine/status.ts', 'gallery/view.ts'];
    const reach = pure.flatMap((f) => {
      const fsImports = /from\s+['"]node:fs(\/promises)?['"]/.test(files.get(f)!) ? ['node:fs'] : [];
      return [...fsImports, ...importsOf(f).filter((t) => folderOf(t) === 'remote')].map((t) => `${f} -> ${t}`);
    });
    expect(reach).toEqual([]);
  });

  it('the no-op fast path stays lean: what it loads reaches no loader, graph, engine, build context or provider', () => {
    const loaded = reachable('cli/fastpath/replay.ts', RUNTIME_IMPORT);
    expect([...loaded].filter((f) => ['project', 'graph', 'engine', 'context', 'providers'].includes(folderOf(f)))).toEqual([]);
  });

  it('no source file sits at the top of src/: each lives in the folder of its concern', () => {
    expect([...files.keys()].filter((f) => !f.includes('/'))).toEqual([]);
  });
});

describe('one implementation each', () => {
  it('redaction', () => {
    expect(where(/export function redact\b|function redact\(/)).toEqual(['base/redact.ts']);
    expect(where(/AIza\[/)).toEqual(['base/redact.ts']);
  });

  it('Retry-After parsing, abort detection and network-error detection', () => {
    expect(where(/function parseRetryAfter\b/)).toEqual(['providers/transport.ts']);
    expect(where(/function isAbort\b/)).toEqual(['providers/transport.ts']);
    expect(where(/ECONNRESET/)).toEqual(['providers/transport.ts']);
  });

  it('which HTTP statuses pass with time (408, 429, 5xx): one rule, in transport.ts', () => {
    expect(where(/status === 429|status >= 500|status < 500/)).toEqual(['providers/transport.ts']);
  });

  it("when a file's stamp is trusted: one stamp and one racy rule, in base/file-stamp.ts", () => {
    expect(where(/mtimeNs\s*>=|racyWindow|Date\.now\(\)\)\s*\*\s*1_000_000n/)).toEqual(['base/file-stamp.ts']);
  });

  it('atomic file writes: only base/atomic.ts renames a file into place', () => {
    // lock.ts moves a stale lock aside, which is a rename but not a write.
    expect(where(/\brename\(/)).toEqual(['base/atomic.ts', 'engine/store/lock.ts']);
  });

  it('the fal key check', () => {
    expect(where(/AIVP_FAL_PROXY_URL\)/)).toEqual(['providers/fal/credentials.ts']);
    expect(where(/falCredentials\(env\) !== undefined/)).toEqual(['providers/fal/credentials.ts']);
  });

  it('reading `.env`: one reader, called by one function every command shares', () => {
    expect(where(/parseEnv\(/)).toEqual(['base/env.ts']);
    expect(where(/\bloadEnv\(/)).toEqual(['base/env.ts', 'context/config.ts']);
  });

  it('every variable that names an endpoint, a proxy, a credential file or a program is one a committed `.env` may not set', () => {
    const read = /(?:env\.|env\[|get\(|['"`])([A-Z][A-Z0-9_]*(?:BASE_URL|PROXY_URL|ENDPOINT_URL(?:_[A-Z0-9]+)?|_HOST|_IP|_CREDENTIALS|_PATH|_REMOTE))\b/g;
    const names = new Set([...files.values()].flatMap((text) => [...text.matchAll(read)].map((m) => m[1])));
    const guarded = (n: string) => USER_ONLY_ENV.some((v) => (v.endsWith('_') ? n.startsWith(v) : n === v));
    expect(names.size).toBeGreaterThan(10);
    expect([...names].filter((n) => !guarded(n))).toEqual([]);
  });

  it('image magic numbers', () => {
    expect(where(/\\x89PNG/)).toEqual(['media/probe.ts']);
  });

  it('node facts resolved once, in the graph: the take that feeds downstream, the model chain, the media kind', () => {
    expect(where(/\bspec\.pick\b/)).toEqual(['graph/build.ts']);
    expect(where(/\bspec\.fallback\b/)).toEqual(['graph/build.ts']);
    expect(where(/kind === 'segment' \|\| [\w.]*kind === 'film' \? 'video'/)).toEqual([]);
  });

  it('the parameters a record keeps are the key parameters', () => {
    expect(where(/function paramsOf\b/)).toEqual([]);
    // recordParams lays the key parameters out for the record (the film's edit settings at the top).
    expect(files.get('engine/node-run.ts')).toContain('recordParams(node)');
    expect(files.get('graph/keys.ts')).toMatch(/function recordParams[^]*?keyParams\(node\)/);
  });
});
