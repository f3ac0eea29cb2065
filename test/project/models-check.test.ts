import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/base/errors.js';
import { loadProject } from '../../src/project/load.js';
import { tempProject } from '../support/project.js';

async function loadProjectOf(yaml: string) {
  return loadProject(await tempProject(yaml));
}
async function errorsOf(yaml: string) {
  const err = await loadProjectOf(yaml).then(() => undefined, (e: UsageError) => e);
  return err?.diagnostics.map((d) => [d.line, d.col, d.message]);
}
async function warningsOf(yaml: string) {
  return (await loadProjectOf(yaml)).warnings.map((w) => [w.line, w.col, w.message]);
}

describe('model checks', () => {
  it('warns at the field when a segment asks for a duration its model is not known to offer, also through defaults', async () => {
    const shots = 'shots:\n  a: { prompt: "x", model: fal-ai/flux/dev }\n  b: { prompt: "y", model: fal-ai/flux/dev }\n';
    const kling = 'fal-ai/kling-video/v2.5-turbo/pro/image-to-video';
    expect(await warningsOf(`aivp: 1\n${shots}segments:\n  c: { keyframes: [a, b], model: ${kling}, duration: 7 }\n`)).toEqual([
      [6, 94, `\`duration\` 7 s is not one \`${kling}\` is known to offer (5, 10 s): the provider may refuse it`],
    ]);
    // Through defaults, the warning sits on the segment that uses them (here its own line).
    const viaDefaults = `aivp: 1\ndefaults:\n  video: { duration: 5 }\n${shots}segments:\n  c: { keyframes: [a], model: veo-3.0-generate-001 }\n`;
    expect((await warningsOf(viaDefaults))[0]).toEqual([8, 6, expect.stringContaining('`duration` 5 s is not one `veo-3.0-generate-001`')]);
    expect(await warningsOf(`aivp: 1\n${shots}segments:\n  c: { keyframes: [a, b], model: ${kling}, duration: 10 }\n`)).toEqual([]);
  });

  it('warns once when `refs` on flux/dev become the start picture of its image-to-image variant', async () => {
    const yaml = 'aivp: 1\nreferences:\n  hero: { prompt: "h", model: fal-ai/flux/dev }\nshots:\n  a: { prompt: "x", model: fal-ai/flux/dev, refs: [hero] }\n';
    const w = await warningsOf(yaml);
    expect(w).toEqual([[5, 3, '`refs` of `a` go to `fal-ai/flux/dev/image-to-image` as its start picture (`fal-ai/flux/dev` takes no reference images): the image is redrawn, not referenced']]);
    // Said as an `input`, it is what the user meant: no warning.
    expect(await warningsOf(yaml.replace('refs: [hero]', 'input: hero'))).toEqual([]);
  });

  it('warns on the segment when its model takes one frame and a keyframe would not be sent', async () => {
    const shots = 'shots:\n  a: { prompt: "x", model: fal-ai/flux/dev }\n  b: { prompt: "y", model: fal-ai/flux/dev }\n';
    const w = await warningsOf(`aivp: 1\n${shots}segments:\n  c: { keyframes: [a, b], model: veo-3.0-generate-001, duration: 8, position: last }\n`);
    expect(w).toEqual([[6, 20, 'keyframe `a` of `c` is not sent: `veo-3.0-generate-001` takes one frame (`b`, by position: last)']]);
    const dropped = (await loadProjectOf(`aivp: 1\n${shots}segments:\n  c: { keyframes: [a, b], model: fal-ai/kling-video/v2.1/master/image-to-video }\n`)).warnings[0];
    expect(dropped.hint).toContain('a model that takes a first and a last frame');
    expect(dropped.hint).toContain('or give the segment one keyframe');
    expect(await warningsOf(`aivp: 1\n${shots}segments:\n  c: { keyframes: [a, b], model: veo-3.1-generate-preview, duration: 8 }\n`)).toEqual([]);
    expect(await warningsOf(`aivp: 1\n${shots}segments:\n  c: { keyframes: [a], model: veo-3.0-generate-001, duration: 8 }\n`)).toEqual([]);
  });

  it('warns at a keyframe whose aspect differs from its segment\'s aspect_ratio', async () => {
    const yaml = (size: string) => `aivp: 1
defaults:
  image: { model: fal-ai/nano-banana-pro, size: ${size} }
shots:
  a: { prompt: "x" }
  up: { input: a, model: fal-ai/aura-sr }
segments:
  c: { keyframes: [a, up], aspect_ratio: "16:9" }
`;
    expect(await warningsOf(yaml('landscape'))).toEqual([
      [8, 20, 'keyframe `a` is 4:3 but `c` is 16:9: it will be letterboxed'],
      [8, 23, 'keyframe `up` is 4:3 but `c` is 16:9: it will be letterboxed'],
    ]);
    expect(await warningsOf(yaml('"16:9"'))).toEqual([]);
    expect(await warningsOf(yaml('1920x1080'))).toEqual([]);
  });

  it('warns when a node gives images to a model that would never see them', async () => {
    const w = await warningsOf('aivp: 1\nreferences:\n  r: { prompt: "r", model: fal-ai/flux/dev }\nshots:\n  s: { prompt: "s", refs: [r], model: fal-ai/flux/schnell }\n');
    expect(w).toEqual([[5, 6, expect.stringContaining('model `fal-ai/flux/schnell` takes no input or reference images')]]);
    expect(await warningsOf('aivp: 1\nreferences:\n  r: { prompt: "r", model: fal-ai/flux/dev }\nshots:\n  s: { prompt: "s", refs: [r], model: fal-ai/nano-banana-pro }\n')).toEqual([]);
  });

  it('names a model of the same provider that takes images', async () => {
    const hints = async (model: string) =>
      (await loadProjectOf(`aivp: 1\nreferences:\n  r: { prompt: "r", model: draft }\nshots:\n  s: { prompt: "s", refs: [r], model: "${model}" }\n`)).warnings.map((w) => w.hint);
    expect(await hints('stability:core')).toEqual([expect.stringContaining('stability:sd3.5-large')]);
    expect(await hints('dall-e-3')).toEqual([expect.stringContaining('gpt-image-1')]);
    expect(await hints('fal-ai/flux/schnell')).toEqual([expect.stringContaining('fal-ai/nano-banana-pro/edit')]);
    // An sd3 model takes the input, but no refs: those are more than it takes.
    expect((await loadProjectOf('aivp: 1\nreferences:\n  r: { prompt: "r", model: draft }\nshots:\n  s: { prompt: "s", input: r, model: "stability:sd3.5-large" }\n')).warnings).toEqual([]);
  });

  it('refuses what the model would refuse only after the request: an over-long prompt, params that are not form fields', async () => {
    const shot = (prompt: string, extra = '') => `aivp: 1\nshots:\n  s:\n    model: "stability:core"\n    prompt: "${prompt}"\n${extra}`;
    expect(await errorsOf(shot('x'.repeat(10_000)))).toBeUndefined();
    expect(await errorsOf(shot('x'.repeat(10_001)))).toEqual([[5, 5, 'the prompt is 10001 characters; `stability:core` takes at most 10000']]);
    // Counted in code points, as Stability counts them.
    expect(await errorsOf(shot('é'.repeat(10_000)))).toBeUndefined();
    expect(await errorsOf(shot('x', '    params: { style_preset: photographic, weights: [1, 2] }\n'))).toEqual([
      [6, 43, '`params.weights` is a list; `stability:core` takes text, numbers and booleans only (form fields)'],
    ]);
    // A fallback is checked too: it may be the one that runs.
    expect(await errorsOf(`aivp: 1\nshots:\n  s: { prompt: "${'x'.repeat(10_001)}", fallback: ["stability:ultra"] }\n`)).toEqual([
      [3, 8, 'the prompt is 10001 characters; `stability:ultra` takes at most 10000'],
    ]);
  });
});
