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
  it('refuses at the field a duration its model does not offer, naming those it does, also through defaults', async () => {
    const shots = 'shots:\n  a: { prompt: "x", model: fal-ai/flux/dev }\n  b: { prompt: "y", model: fal-ai/flux/dev }\n';
    const kling = 'fal-ai/kling-video/v2.5-turbo/pro/image-to-video';
    expect(await errorsOf(`aivp: 1\n${shots}segments:\n  c: { keyframes: [a, b], model: ${kling}, duration: 7 }\n`)).toEqual([
      [6, 94, `\`duration\` 7 s is not one \`${kling}\` offers: 5, 10 s`],
    ]);
    // Through defaults, the error sits on the segment that uses them (here its own line).
    const viaDefaults = `aivp: 1\ndefaults:\n  video: { duration: 5 }\n${shots}segments:\n  c: { keyframes: [a], model: veo-3.1-generate-001 }\n`;
    expect((await errorsOf(viaDefaults))![0]).toEqual([8, 6, '`duration` 5 s is not one `veo-3.1-generate-001` offers: 4, 6, 8 s']);
    expect(await warningsOf(`aivp: 1\n${shots}segments:\n  c: { keyframes: [a, b], model: ${kling}, duration: 10 }\n`)).toEqual([]);
  });

  it('refuses `audio` on a model that gives no choice of sound, at the field, for each model of the chain', async () => {
    const shots = 'shots:\n  a: { prompt: "x", model: fal-ai/flux/dev }\n';
    expect(await warningsOf(`aivp: 1\n${shots}segments:\n  c: { keyframes: [a], model: fal-ai/veo3.1/image-to-video, audio: true }\n`)).toEqual([]);
    const errors = await errorsOf(`aivp: 1\n${shots}segments:\n  c:\n    keyframes: [a]\n    model: fal-ai/veo3.1/image-to-video\n    fallback: [veo-3.1-generate-001]\n    audio: true\n`);
    expect(errors).toEqual([[9, 5, '`veo-3.1-generate-001` makes no choice of sound: `audio: true` would do nothing']]);
  });

  it('refuses a fal id that is no endpoint of the catalogue, with the real id as "did you mean"', async () => {
    const errors = await errorsOf('aivp: 1\nshots:\n  a: { prompt: x, model: fal-ai/flux-2-turb }\n  b: { prompt: y, model: fal-ai/recraft/v3/text-to-imag }\n');
    expect(errors).toEqual([
      [3, 26, '`fal-ai/flux-2-turb` is not a fal model: @fal-ai/client 1.10.1 lists no such endpoint'],
      [4, 26, '`fal-ai/recraft/v3/text-to-imag` is not a fal model: @fal-ai/client 1.10.1 lists no such endpoint'],
    ]);
    const err = await loadProjectOf('aivp: 1\nshots:\n  a: { prompt: x, model: fal-ai/recraft/v3/text-to-imag }\n').catch((e: UsageError) => e);
    expect((err as UsageError).diagnostics[0].hint).toBe('did you mean `fal-ai/recraft/v3/text-to-image`?');
    // Written with its prefix, an endpoint newer than the pinned catalogue is sent as written: a warning.
    expect(await warningsOf('aivp: 1\nshots:\n  a: { prompt: x, model: "fal:fal-ai/published-later" }\n')).toEqual([
      [3, 26, "model `fal:fal-ai/published-later` is not in aivp's model table: generic input mapping and no cost estimate"],
    ]);
  });

  it('refuses params the endpoint does not take (with the right spelling) and values outside its enum', async () => {
    const errors = await errorsOf(`aivp: 1
shots:
  a:
    prompt: x
    model: fal-ai/flux/dev
    params: { guidance_scal: 4, acceleration: turbo, num_inference_steps: many }
`);
    expect(errors).toEqual([
      [6, 15, '`fal-ai/flux/dev` takes no `guidance_scal`: it would be ignored'],
      [6, 47, "`params.acceleration` of `fal-ai/flux/dev` must be 'none', 'regular' or 'high'"],
      [6, 75, '`params.num_inference_steps` of `fal-ai/flux/dev` must be a number'],
    ]);
    const err = await loadProjectOf('aivp: 1\nshots:\n  a: { prompt: x, model: fal-ai/flux/dev, params: { guidance_scal: 4 } }\n').catch((e: UsageError) => e);
    expect((err as UsageError).diagnostics[0].hint).toBe('did you mean `guidance_scale`?');
  });

  it('judges params against the endpoint the node really uses (the edit variant once it has images)', async () => {
    // nano-banana-pro's edit endpoint takes image_urls; `enable_web_search` both take, so both pass.
    const ok = 'aivp: 1\nstyle: { prompt: s }\nshots:\n  a: { prompt: x, model: fal-ai/nano-banana-pro, refs: [style], params: { enable_web_search: true } }\n';
    expect(await warningsOf(ok)).toEqual([]);
    const bad = 'aivp: 1\nstyle: { prompt: s }\nshots:\n  a: { prompt: x, model: fal-ai/flux/dev, input: style, params: { guidance_scale: 4 } }\n';
    // flux/dev with images runs flux/dev/image-to-image, which has guidance_scale too; `image_size` it lacks.
    expect(await warningsOf(bad)).toEqual([]);
    const lacks = 'aivp: 1\nstyle: { prompt: s }\nshots:\n  a: { prompt: x, model: fal-ai/flux/dev, input: style, params: { image_size: square } }\n';
    expect(await errorsOf(lacks)).toEqual([[4, 67, '`fal-ai/flux/dev/image-to-image` takes no `image_size`: it would be ignored']]);
  });

  it('warns once, at defaults, where a default param is a field one model lacks', async () => {
    const w = await warningsOf(`aivp: 1
defaults:
  image: { params: { output_format: png } }
shots:
  a: { prompt: x, model: fal-ai/flux/dev }
  b: { input: a, model: fal-ai/aura-sr }
  c: { input: a, model: fal-ai/aura-sr }
`);
    expect(w).toEqual([[3, 22, "`fal-ai/aura-sr` (`b`'s model) takes no `output_format`: it is ignored there"]]);
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
    const w = await warningsOf(`aivp: 1\n${shots}segments:\n  c: { keyframes: [a, b], model: fal-ai/veo3.1/image-to-video, duration: 8, position: last }\n`);
    expect(w).toEqual([[6, 20, 'keyframe `a` of `c` is not sent: `fal-ai/veo3.1/image-to-video` takes one frame (`b`, by position: last)']]);
    const dropped = (await loadProjectOf(`aivp: 1\n${shots}segments:\n  c: { keyframes: [a, b], model: fal-ai/kling-video/v2.1/master/image-to-video }\n`)).warnings[0];
    expect(dropped.hint).toContain('a model that takes a first and a last frame');
    expect(dropped.hint).toContain('or give the segment one keyframe');
    expect(await warningsOf(`aivp: 1\n${shots}segments:\n  c: { keyframes: [a, b], model: veo-3.1-generate-001, duration: 8 }\n`)).toEqual([]);
    expect(await warningsOf(`aivp: 1\n${shots}segments:\n  c: { keyframes: [a], model: fal-ai/veo3.1/image-to-video, duration: 8 }\n`)).toEqual([]);
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
    expect(await hints('stability:core')).toEqual([expect.stringContaining('stability:ultra')]);
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
