// The quick read (js-yaml) and the full parse (yaml) must give the same data for every file the
// quick read accepts; whatever it might read differently goes to the full parse.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { keysOf, locate, parseSource } from '../../src/project/source.js';

/** Deterministic PRNG (mulberry32) so a failure can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Plain scalars YAML resolves in interesting ways, and strings that need quoting.
const SCALARS = [
  '1', '-3', '+12', '0o17', '017', '0x1F', '0b101', '1_000', '1e3', '1E-2', '.5', '+.5', '1.', '-0', '.inf', '-.Inf', '.NaN',
  'true', 'True', 'TRUE', 'yes', 'no', 'on', 'null', 'Null', '~', 'nULL', '2024-01-01', '12:30', '0.1.2', 'abc', 'a b c',
  '"quoted: yes"', "'single ''quote'''", '"esc \\u00e9 \\n \\t"', '"*star*"', 'draft', 'fal-ai/flux/dev', '"a # not a comment"',
  'x # a comment', '"!bang"', '"&amp"', '"%percent"', '"@at"', '"`tick`"', '"[1, 2]"', '"{a: 1}"',
];
const KEYS = ['prompt', 'model', 'seed', '1', '007', 'a b', '"quoted key"', 'refs', 'x-y', 'size', '"2"', 'input'];

function scalar(r: () => number): string {
  return SCALARS[Math.floor(r() * SCALARS.length)];
}

function value(r: () => number, depth: number, indent: string): string {
  const pick = r();
  if (depth > 2 || pick < 0.5) return ` ${scalar(r)}`;
  if (pick < 0.65) return ` [${Array.from({ length: Math.floor(r() * 4) }, () => scalar(r)).join(', ')}]`;
  if (pick < 0.75) return ` { ${KEYS[0]}: ${scalar(r)}, ${KEYS[2]}: ${scalar(r)} }`;
  if (pick < 0.85) return `\n${Array.from({ length: 1 + Math.floor(r() * 3) }, () => `${indent}  -${value(r, depth + 1, `${indent}  `)}`).join('\n')}`;
  return `\n${block(r, depth + 1, `${indent}  `)}`;
}

function block(r: () => number, depth: number, indent: string): string {
  const keys = [...new Set(Array.from({ length: 1 + Math.floor(r() * 5) }, () => KEYS[Math.floor(r() * KEYS.length)]))];
  return keys.map((k) => `${indent}${k}:${value(r, depth, indent)}`).join('\n');
}

describe('the project file read', () => {
  it('gives the data the full parse gives, for 2,000 random documents', () => {
    let quick = 0;
    for (let seed = 1; seed <= 2000; seed++) {
      const text = `aivp: 1\n${block(rng(seed), 0, '')}\n`;
      let expected: unknown;
      try {
        expected = parse(text, { uniqueKeys: false });
      } catch {
        continue;
      }
      const { source, problems } = parseSource(text);
      if (problems.length) continue;
      expect(source.data, `seed ${seed}:\n${text}`).toEqual(expected);
      if (!Object.getOwnPropertyDescriptor(source, 'doc')?.value) quick++;
    }
    // Most documents take the quick read; the rest prove the fallbacks agree too.
    expect(quick).toBeGreaterThan(500);
  });

  it('sends what the quick read would get wrong to the full parse: duplicates, tabs, aliases, tags', () => {
    for (const text of ['a: 1\na: 2\n', 'a: &x [1]\nb: *x\n', 'a: !!str 12\n', '%YAML 1.1\n---\na: yes\n', 'a: 0b11\n', 'a: [-0, -0.0]\n']) {
      const { source } = parseSource(text);
      expect(source.data, text).toEqual(parse(text, { uniqueKeys: false }));
    }
    expect(parseSource('a:\n\tb: 1\n').problems).toMatchObject([{ line: 2, message: expect.stringContaining('tab') }]);
    expect(parseSource('a: 1\na: 2\n').problems).toMatchObject([{ line: 2, col: 1, duplicateKey: true }]);
  });

  it('still points at lines and keeps file order when the quick read was used', () => {
    const text = 'aivp: 1\nshots:\n  b: { prompt: x }\n  "10": { prompt: y }\n  a: { prompt: z }\n';
    const { source } = parseSource(text);
    expect(locate(source, ['shots', 'a', 'prompt'])).toEqual({ line: 5, col: 16 });
    // A plain object lists "10" first; the file lists it second.
    expect(keysOf(source, ['shots'])).toEqual(['b', '10', 'a']);
  });
});
