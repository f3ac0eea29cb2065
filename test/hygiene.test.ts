// The code base tells the truth about itself: every module is used by the CLI, every runtime
// dependency is imported, and each of the ideas below has one implementation (a second copy is how
// one of them ended up without fsync, and two redactors disagreed about what to hide).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
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

describe('no dead code', () => {
  it('every module under src/ is reached from the CLI entry point, statically or by import()', () => {
    const seen = new Set<string>();
    const todo = ['cli/main.ts'];
    while (todo.length) {
      const f = todo.pop()!;
      if (seen.has(f) || !files.has(f)) continue;
      seen.add(f);
      for (const m of files.get(f)!.matchAll(/(?:from\s+|import\(\s*)['"](\.{1,2}\/[^'"]+)\.js['"]/g)) {
        todo.push(relative(SRC, resolve(SRC, dirname(f), `${m[1]}.ts`)).replace(/\\/g, '/'));
      }
    }
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

describe('one implementation each', () => {
  it('redaction', () => {
    expect(where(/export function redact\b|function redact\(/)).toEqual(['redact.ts']);
    expect(where(/AIza\[/)).toEqual(['redact.ts']);
  });

  it('Retry-After parsing, abort detection and network-error detection', () => {
    expect(where(/function parseRetryAfter\b/)).toEqual(['providers/transport.ts']);
    expect(where(/function isAbort\b/)).toEqual(['providers/transport.ts']);
    expect(where(/ECONNRESET/)).toEqual(['providers/transport.ts']);
  });

  it('atomic file writes: only store/atomic.ts renames a file into place', () => {
    // lock.ts moves a stale lock aside, which is a rename but not a write.
    expect(where(/\brename\(/)).toEqual(['engine/store/atomic.ts', 'engine/store/lock.ts']);
  });

  it('the fal key check', () => {
    expect(where(/AIVP_FAL_PROXY_URL\)/)).toEqual(['providers/credentials.ts']);
    expect(where(/falCredentials\(env\) !== undefined/)).toEqual(['providers/credentials.ts']);
  });

  it('image magic numbers', () => {
    expect(where(/\\x89PNG/)).toEqual(['media/probe.ts']);
  });

  it('the parameters a record keeps are the key parameters', () => {
    expect(where(/function paramsOf\b/)).toEqual([]);
    expect(files.get('engine/node-run.ts')).toContain('keyParams(node)');
  });
});
