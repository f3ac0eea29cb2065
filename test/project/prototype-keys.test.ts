// Names and values that are Object.prototype keys (`__proto__`, `constructor`, `toString`…), in
// every place the loader reads a user string as a key: each project loads or fails with
// diagnostics (a UsageError, exit 2), never a crash.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/base/errors.js';
import { parseProject } from '../../src/project/load.js';
import { tempProject } from '../support/project.js';

const WORDS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];

const BASE = `shots:\n  a: { prompt: x }\nsegments:\n  s: { prompt: go, keyframes: [a], aspect_ratio: "16:9" }\n`;
const PLACES: ((w: string) => string)[] = [
  (w) => `aivp: 1\n${w}: 1\n${BASE}`,
  (w) => `aivp: ${w}\n${BASE}`,
  (w) => `aivp: { ${w}: x }\n${BASE}`,
  (w) => `aivp: 1\nname: ${w}\nvars: { ${w}: v }\nshots:\n  a: { prompt: "x \${${w}}" }\n`,
  (w) => `aivp: 1\nshots:\n  a: { prompt: "x \${${w}}" }\n`,
  (w) => `aivp: 1\nreferences:\n  ${w}: { prompt: x }\nshots:\n  ${w}: { prompt: y, refs: [${w}] }\n`,
  (w) => `aivp: 1\nshots:\n  a: { prompt: x, refs: [${w}], input: ${w}, mask: ${w} }\n`,
  (w) => `aivp: 1\nshots:\n  a: { prompt: x, refs: [${w}/b] }\nreferences:\n  ${w}: { dir: refs }\n`,
  (w) => `aivp: 1\nshots:\n  a: { prompt: x, size: ${w}, model: ${w}, fallback: [${w}], ${w}: 1, params: { ${w}: 1 } }\n${BASE.replace('shots:\n  a: { prompt: x }\n', '')}`,
  (w) => `aivp: 1\nshots:\n  a: { prompt: x, size: ${w} }\nsegments:\n  s: { prompt: go, keyframes: [a, ${w}], aspect_ratio: ${w}, position: ${w}, model: ${w}, duration: 5 }\n`,
  (w) => `aivp: 1\ndefaults:\n  ${w}: 1\n  image: { ${w}: x, size: ${w}, model: ${w} }\n  video: { aspect_ratio: ${w}, ${w}: x }\n${BASE}`,
  (w) => `aivp: 1\nprices:\n  ${w}: { per_image: 1 }\n  fal-ai/flux/dev: { ${w}: 1 }\nproviders:\n  ${w}: { concurrency: 1 }\n  fal: { ${w}: 1 }\n${BASE}`,
  (w) => `aivp: 1\npaths: { ${w}: x, keyframes: ${w} }\ncache: { remote: ${w}, ${w}: 1 }\n${BASE}`,
  (w) => `aivp: 1\n${BASE}film:\n  segments: [${w}]\n  transition: ${w}\n  ${w}: 1\n  size: ${w}\n  audio: { file: ${w}, ${w}: 1 }\n`,
  (w) => `aivp: 1\n${BASE}film:\n  transition: { type: ${w}, ${w}: 1 }\n  output: ${w}\n`,
  (w) => `aivp: 1\nshots:\n  a: { prompt: x, output: ${w} }\n  b: { prompt: x, output: ${w.toUpperCase()} }\n`,
];

describe('Object.prototype keys in the project file', () => {
  it.each(WORDS.flatMap((w) => PLACES.map((place, i) => [w, i, place(w)] as const)))('%s in place %i', async (_w, _i, text) => {
    const dir = await tempProject(text, {});
    const outcome = await parseProject(dir, text).then(
      () => 'loaded',
      (err: unknown) => (err instanceof UsageError ? 'diagnostics' : err),
    );
    expect(['loaded', 'diagnostics']).toContain(outcome);
  });

  it('keeps a price for a model named `__proto__` as an entry, not as the prototype', async () => {
    const text = `aivp: 1\nprices:\n  __proto__: { per_image: 1 }\n${BASE}`;
    const project = await parseProject(await tempProject(text, {}), text);
    expect(Object.hasOwn(project.prices, '__proto__')).toBe(true);
    expect(project.prices['fal-ai/flux/dev']).toBeUndefined();
  });
});
