// "Did you mean" wherever a name was mistyped: node names in refs/input/keyframes, model ids, source
// files (with the folder named); and a stray tab is one error, not a cascade.
import { describe, expect, it } from 'vitest';
import { makeImage } from '../support/images.js';
import { tempProject } from '../support/project.js';
import { cleanEnv, runCli } from './helpers.js';

const validate = async (yaml: string, files: Record<string, Buffer> = {}) => {
  const r = await runCli(['-C', await tempProject(yaml, files), 'validate'], { env: cleanEnv() });
  return { ...r, lines: r.stderr.split('\n').filter(Boolean) };
};

describe('suggestions (built CLI)', () => {
  it('suggests node names in refs, input and keyframes', async () => {
    const r = await validate(`aivp: 1
shots:
  scene_01: { prompt: "x" }
  scene_02: { prompt: "y", refs: [scene_1], input: scene_1 }
segments:
  seg: { keyframes: [scene_2] }
`);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown name `scene_1` in `refs` (shots.scene_02.refs[0])\n  hint: did you mean `scene_01`?");
    expect(r.stderr).toContain("unknown name `scene_1` in `input` (shots.scene_02.input)\n  hint: did you mean `scene_01`?");
    expect(r.stderr).toContain("unknown name `scene_2` in `keyframes` (segments.seg.keyframes[0])\n  hint: did you mean `scene_02`?");
  });

  it('suggests model ids, for unknown ids and ids no provider serves', async () => {
    // Neither is a fal endpoint: refused, with the real id.
    const typo = await validate(`aivp: 1
shots:
  a: { prompt: "x", model: fal-ai/flux/devv }
segments:
  s: { keyframes: [a], model: fal-ai/kling-video/v2.5-turbo/pro/image-to-vide }
`);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('`fal-ai/flux/devv` is not a fal model: @fal-ai/client 1.10.1 lists no such endpoint (shots.a.model)\n  hint: did you mean `fal-ai/flux/dev`?');
    expect(typo.stderr).toContain('hint: did you mean `fal-ai/kling-video/v2.5-turbo/pro/image-to-video`?');
    const gemini = await validate('aivp: 1\nshots:\n  a: { prompt: "x", model: gemini-2.5-flash-imag }\n');
    expect(gemini.code).toBe(0);
    expect(gemini.stderr).toContain("model `gemini-2.5-flash-imag` is not in aivp's model table: generic input mapping and no cost estimate (shots.a.model)\n  hint: did you mean `gemini-2.5-flash-image`?");
    const bad = await validate('aivp: 1\nshots:\n  b: { prompt: "x", model: nano-banana-pro }\n');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown model `nano-banana-pro`: no provider serves it (shots.b.model)\n  hint: did you mean `fal-ai/nano-banana-pro`?');
    const unrouted = await validate('aivp: 1\nshots:\n  a: { prompt: "x", model: "fal-ai:flux/dev" }\n');
    expect(unrouted.code).toBe(2);
    expect(unrouted.stderr).toContain('unknown model `fal-ai:flux/dev`: no provider serves it (shots.a.model)\n  hint: did you mean `fal-ai/flux/dev`?');
  });

  it('names the folder a missing source file was looked for in', async () => {
    const r = await validate('aivp: 1\nreferences:\n  r: { file: refs/heroo.png }\n  q: { file: nowhere/x.png }\n  p: { file: refs/landscape.png }\n', {
      'refs/hero.png': await makeImage({ seed: 'hero', width: 16, height: 16 }),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('source file `refs/heroo.png` not found (references.r.file)\n  hint: did you mean `refs/hero.png`? (no `heroo.png` in `refs/`)');
    expect(r.stderr).toContain('hint: `nowhere/` does not exist: create it and add the file');
    expect(r.stderr).toContain('hint: no `landscape.png` in `refs/`: add the file there');
  });

  it('reports one stray tab as one error, with the fix', async () => {
    const r = await validate('aivp: 1\nshots:\n  a:\n    refs:\n\t- b\n  b: { prompt: "y" }\n');
    expect(r.code).toBe(2);
    expect(r.lines).toEqual([
      'aivp.project.yaml:5:1: YAML syntax error: a tab is used as indentation',
      '  hint: indent with spaces only (YAML does not allow tabs there)',
      'aivp: 1 error in aivp.project.yaml',
    ]);
  });
});
