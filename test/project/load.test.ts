// loadProject on valid projects: resolution, defaults, vars, chain, dir expansion, paths, warnings.
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/base/errors.js';
import { loadProject } from '../../src/project/load.js';
import type { ImageNode, ProjectNode, SegmentNode } from '../../src/project/types.js';
import { makeImage } from '../support/images.js';
import { tempProject } from '../support/project.js';
import { listTree, loadErrors } from './helpers.js';

const SPEC_EXAMPLE = `# yaml-language-server: $schema=./node_modules/aivp/schemas/aivp.project.schema.json
aivp: 1
name: cliff-dreams
vars:
  look: "golden hour, 35mm film, cinematic color grading"
defaults:
  image: { model: fal-ai/nano-banana-pro, size: landscape, retries: 2 }
  video: { model: fal-ai/kling-video/v2.1/master/image-to-video, duration: 5 }
  chain: false
providers:
  fal:    { concurrency: 4 }
  google: { concurrency: 2 }
budget: 10.00
prices:
  fal-ai/flux/dev: { per_image: 0.025 }
references:
  hero:
    prompt: "Character sheet: young male explorer, brown jacket, multiple angles, white background"
    model: fal-ai/flux/dev
    size: square
    num_images: 4
    seed: 7
  mentor: { file: refs/mentor.jpg }
  places: { dir: refs/locations }
  heroine:
    file: refs/heroine.png
    prompt: "Woman in a red dress, full body, neutral background"
style:
  prompt: "Cliffs over a stormy ocean, \${look}"
shots:
  scene_01:
    prompt: "A woman in a red dress on a cliff overlooking the ocean, \${look}"
    refs: [heroine, style]
    seed: 1001
  scene_02:
    prompt: "She turns to face the camera, \${look}"
    input: scene_01
    refs: [heroine, places/cliff]
  scene_02_anime:
    input: scene_02
    prompt: "Convert to anime style"
    model: fal-ai/flux/dev/image-to-image
  scene_03_up:
    input: scene_01
    model: fal-ai/aura-sr
segments:
  seg_01:
    keyframes: [scene_01, scene_02]
    prompt: "Slow push in, wind in her hair"
    duration: 5
  seg_02:
    keyframes: [scene_02, scene_03_up]
    model: veo-3.1-generate-001
    duration: 8
    position: first
`;

const byName = (nodes: ProjectNode[], name: string) => nodes.find((n) => n.name === name)!;
const image = (nodes: ProjectNode[], name: string) => byName(nodes, name) as ImageNode;
const segment = (nodes: ProjectNode[], name: string) => byName(nodes, name) as SegmentNode;

describe('loadProject: the SPEC example', () => {
  async function specProject() {
    const png = await makeImage({ width: 4, height: 4 });
    return tempProject(SPEC_EXAMPLE, {
      'refs/mentor.jpg': png,
      'refs/locations/cliff.png': png,
      'refs/locations/beach.PNG': png,
    });
  }

  it('resolves nodes in file order with kinds, defaults and substituted prompts', async () => {
    const dir = await specProject();
    const p = await loadProject(dir);
    expect(p.root).toBe(dir);
    expect(p.file).toBe(join(dir, 'aivp.project.yaml'));
    expect(p.name).toBe('cliff-dreams');
    expect(p.nodes.map((n) => `${n.kind}:${n.name}`)).toEqual([
      'reference:hero', 'reference:mentor', 'reference:places', 'reference:heroine', 'style:style',
      'shot:scene_01', 'shot:scene_02', 'shot:scene_02_anime', 'shot:scene_03_up', 'segment:seg_01', 'segment:seg_02',
    ]);
    const hero = image(p.nodes, 'hero');
    expect(hero).toMatchObject({ model: 'fal-ai/flux/dev', size: 'square', num_images: 4, pick: 1, seed: 7, retries: 2, vars: [] });
    const s1 = image(p.nodes, 'scene_01');
    expect(s1.prompt).toBe('A woman in a red dress on a cliff overlooking the ocean, golden hour, 35mm film, cinematic color grading');
    expect(s1.vars).toEqual(['look']);
    expect(s1).toMatchObject({ model: 'fal-ai/nano-banana-pro', size: 'landscape', seed: 1001, fallback: [], params: {} });
    expect(s1.refs.map((r) => r.name)).toEqual(['heroine', 'style']);
    expect(image(p.nodes, 'scene_02').input?.name).toBe('scene_01');
    expect(image(p.nodes, 'scene_03_up').prompt).toBeUndefined();
    expect(image(p.nodes, 'mentor').file).toBe('refs/mentor.jpg');
    expect(image(p.nodes, 'heroine')).toMatchObject({ file: 'refs/heroine.png', prompt: 'Woman in a red dress, full body, neutral background' });
    expect(segment(p.nodes, 'seg_01')).toMatchObject({
      model: 'fal-ai/kling-video/v2.1/master/image-to-video', duration: 5, position: 'first', retries: 2,
    });
    expect(segment(p.nodes, 'seg_01').keyframes.map((k) => k.name)).toEqual(['scene_01', 'scene_02']);
    expect(segment(p.nodes, 'seg_02').model).toBe('veo-3.1-generate-001');
  });

  it('expands the dir reference, keeps the top-level settings and writes nothing', async () => {
    const dir = await specProject();
    const before = await listTree(dir);
    const p = await loadProject(dir);
    expect(image(p.nodes, 'places').dirFiles).toEqual(['refs/locations/beach.PNG', 'refs/locations/cliff.png']);
    expect(p.providers).toEqual({ fal: { concurrency: 4 }, google: { concurrency: 2 } });
    expect(p.budget).toBe(10);
    expect(p.prices).toEqual({ 'fal-ai/flux/dev': { per_image: 0.025 } });
    expect(p.paths).toEqual({ references: 'references', keyframes: 'keyframes', segments: 'segments', metadata: 'metadata' });
    expect(p.vars).toEqual({ look: 'golden hour, 35mm film, cinematic color grading' });
    // The SPEC's example with Veo 3.0 (shut down) replaced by Veo 3.1: Kling 2.1 (the old default)
    // takes one frame, so seg_01's second keyframe is not sent. The warning sits on its segment.
    expect(p.warnings.map((w) => [w.field, w.message.split(':')[0]])).toEqual([
      ['segments.seg_01.keyframes[1]', 'keyframe `scene_02` of `seg_01` is not sent'],
    ]);
    expect(await listTree(dir)).toEqual(before);
  });
});

describe('loadProject: defaults', () => {
  it('applies the built-in defaults when the file gives none', async () => {
    const dir = await tempProject('aivp: 1\nshots:\n  a: { prompt: x }\nsegments:\n  s: { keyframes: [a] }\n');
    const p = await loadProject(dir);
    expect(image(p.nodes, 'a')).toMatchObject({ model: 'fal-ai/nano-banana-pro', num_images: 1, pick: 1, retries: 2, fallback: [] });
    expect(image(p.nodes, 'a').size).toBeUndefined();
    // The default video model takes a first and a last frame.
    expect(segment(p.nodes, 's')).toMatchObject({ model: 'fal-ai/kling-video/v2.5-turbo/pro/image-to-video', position: 'first', retries: 2 });
    expect(p.name).toBe(basename(dir));
    expect(p.providers).toEqual({});
    expect(p.budget).toBeUndefined();
  });

  it('merges defaults under node fields, params shallowly, image and video apart', async () => {
    const dir = await tempProject(`aivp: 1
defaults:
  image: { model: fal-ai/flux/dev, size: portrait, retries: 4, timeout: 60, fallback: [fal-ai/flux/schnell], params: { num_inference_steps: 20, guidance_scale: 3 } }
  video: { model: veo-3.1-generate-001, duration: 8, position: last, params: { audio: false } }
references:
  r: { prompt: ref }
style: { prompt: style, size: square }
shots:
  a:
    prompt: x
    params: { guidance_scale: 5, image_size: { width: 512, height: 768 } }
    retries: 0
segments:
  s: { keyframes: [a], duration: 4 }
`);
    const p = await loadProject(dir);
    expect(image(p.nodes, 'r')).toMatchObject({ model: 'fal-ai/flux/dev', size: 'portrait', retries: 4, timeout: 60 });
    expect(image(p.nodes, 'style').size).toBe('square');
    const a = image(p.nodes, 'a');
    expect(a.params).toEqual({ num_inference_steps: 20, guidance_scale: 5, image_size: { width: 512, height: 768 } });
    expect(a.retries).toBe(0);
    expect(a.fallback).toEqual(['fal-ai/flux/schnell']);
    expect(segment(p.nodes, 's')).toMatchObject({ model: 'veo-3.1-generate-001', duration: 4, position: 'last', params: { audio: false } });
  });

  it('chain: each shot without input takes the previous shot; explicit inputs stay', async () => {
    const dir = await tempProject(`aivp: 1
defaults: { chain: true }
references:
  r: { prompt: ref }
shots:
  one: { prompt: a }
  two: { prompt: b }
  three: { prompt: c, input: one }
  four: { prompt: d }
`);
    const p = await loadProject(dir);
    const inputs = ['one', 'two', 'three', 'four'].map((n) => image(p.nodes, n).input?.name);
    expect(inputs).toEqual([undefined, 'one', 'one', 'three']);
    expect(image(p.nodes, 'r').input).toBeUndefined();
    expect(image(p.nodes, 'two').input).toEqual({ name: 'one' });
  });

  it('chain off leaves shots without input', async () => {
    const dir = await tempProject('aivp: 1\nshots:\n  one: { prompt: a }\n  two: { prompt: b }\n');
    expect(image((await loadProject(dir)).nodes, 'two').input).toBeUndefined();
  });
});

describe('loadProject: vars', () => {
  it('substitutes every occurrence, numbers included, and records the names used', async () => {
    const dir = await tempProject('aivp: 1\nvars: { look: gold, n: 3, unused: x }\nshots:\n  a: { prompt: "${look} ${n} ${look}" }\n');
    const p = await loadProject(dir);
    expect(image(p.nodes, 'a').prompt).toBe('gold 3 gold');
    expect(image(p.nodes, 'a').vars).toEqual(['look', 'n']);
    expect(p.warnings).toContainEqual(expect.objectContaining({ line: 2, message: expect.stringContaining('var `unused` is never used') }));
  });

  it('reports every undefined var at its own column', async () => {
    const dir = await tempProject('aivp: 1\nvars: { look: gold }\nshots:\n  a: { prompt: "${a1} and ${lok}" }\n');
    const errors = await loadErrors(dir);
    expect(errors.map((e) => [e.line, e.col, e.message])).toEqual([
      [4, 17, 'undefined var `${a1}`'],
      [4, 27, 'undefined var `${lok}`'],
    ]);
    expect(errors[1].hint).toBe('did you mean `look`?');
  });
});

describe('loadProject: dir references', () => {
  it('lists images by name, any case of extension, skips other files with a warning', async () => {
    const png = await makeImage({ width: 4, height: 4 });
    const dir = await tempProject('aivp: 1\nreferences:\n  places: { dir: refs }\nshots:\n  a: { prompt: x, refs: [places/a, places] }\n', {
      'refs/B.png': png, 'refs/a.JPG': png, 'refs/c.webp': png, 'refs/d.bmp': png, 'refs/e.jpeg': png,
      'refs/notes.txt': 'hello', 'refs/sub/z.png': png,
    });
    const p = await loadProject(dir);
    expect(image(p.nodes, 'places').dirFiles).toEqual(['refs/B.png', 'refs/a.JPG', 'refs/c.webp', 'refs/d.bmp', 'refs/e.jpeg']);
    expect(p.warnings).toEqual([
      expect.objectContaining({ line: 3, col: 18, message: 'skipping `refs/notes.txt`: not an image (png jpg jpeg webp bmp)' }),
    ]);
  });

  it('validates <dir>/<stem> names against the folder', async () => {
    const png = await makeImage({ width: 4, height: 4 });
    const dir = await tempProject('aivp: 1\nreferences:\n  places: { dir: refs }\nshots:\n  a: { prompt: x, input: places/beech }\n', { 'refs/beach.png': png });
    const [error] = await loadErrors(dir);
    expect(error).toMatchObject({ line: 5, col: 26, message: 'no image `beech` in `refs`', hint: 'did you mean `beach`?' });
  });

  it('a whole dir cannot be an input or a keyframe', async () => {
    const png = await makeImage({ width: 4, height: 4 });
    const dir = await tempProject('aivp: 1\nreferences:\n  places: { dir: refs }\nshots:\n  a: { prompt: x, input: places }\nsegments:\n  s: { keyframes: [places] }\n', {
      'refs/beach.png': png,
    });
    const errors = await loadErrors(dir);
    expect(errors.map((e) => e.field)).toEqual(['shots.a.input', 'segments.s.keyframes[0]']);
    expect(errors[0].message).toContain('is a folder of images');
  });
});

describe('loadProject: paths stay inside the project', () => {
  it('normalises output paths relative to the root and accepts paths.*', async () => {
    const dir = await tempProject('aivp: 1\npaths: { keyframes: out/frames/, metadata: ./meta }\nshots:\n  a: { prompt: x, output: ./renders/../renders/a }\n');
    const p = await loadProject(dir);
    expect(image(p.nodes, 'a').output).toBe('renders/a');
    expect(p.paths).toEqual({ references: 'references', keyframes: 'out/frames', segments: 'segments', metadata: 'meta' });
  });

  it('rejects files, dirs and outputs that escape through symbolic links', async () => {
    const outside = await tempProject('aivp: 1\n', { 'secret.png': await makeImage({ width: 4, height: 4 }), 'folder/x.png': await makeImage({ width: 4, height: 4 }) });
    const dir = await tempProject(`aivp: 1
references:
  linked_file: { file: refs/link.png }
  linked_dir: { dir: linked }
  partly: { dir: mixed }
shots:
  a: { prompt: x, output: out/a }
`);
    await mkdir(join(dir, 'refs'));
    await mkdir(join(dir, 'mixed'));
    await writeFile(join(dir, 'mixed', 'ok.png'), await makeImage({ width: 4, height: 4 }));
    await symlink(join(outside, 'secret.png'), join(dir, 'refs', 'link.png'));
    await symlink(join(outside, 'folder'), join(dir, 'linked'));
    await symlink(join(outside, 'secret.png'), join(dir, 'mixed', 'sneaky.png'));
    await symlink(outside, join(dir, 'out'));
    const errors = await loadErrors(dir);
    expect(errors.map((e) => [e.line, e.field, e.message])).toEqual([
      [3, 'references.linked_file.file', '`file` `refs/link.png` leads outside the project folder through a symbolic link'],
      [4, 'references.linked_dir.dir', '`dir` `linked` leads outside the project folder through a symbolic link'],
      [5, 'references.partly.dir', '`dir` `mixed/sneaky.png` leads outside the project folder through a symbolic link'],
      [7, 'shots.a.output', '`output` `out/a` leads outside the project folder through a symbolic link'],
    ]);
  });

  it('accepts symbolic links that stay inside the project', async () => {
    const dir = await tempProject('aivp: 1\nreferences:\n  r: { file: link.png }\n', { 'real/r.png': await makeImage({ width: 4, height: 4 }) });
    await symlink(join(dir, 'real', 'r.png'), join(dir, 'link.png'));
    expect(image((await loadProject(dir)).nodes, 'r').file).toBe('link.png');
  });

  it('a project reached through a symlinked folder still loads', async () => {
    const real = await tempProject('aivp: 1\nreferences:\n  r: { file: r.png }\n', { 'r.png': await makeImage({ width: 4, height: 4 }) });
    const holder = await tempProject('aivp: 1\n');
    await symlink(real, join(holder, 'linked'));
    expect((await loadProject(join(holder, 'linked'))).nodes).toHaveLength(1);
  });
});

describe('loadProject: other rules', () => {
  it('a file reference with a prompt may be missing (it is generated into it)', async () => {
    const dir = await tempProject('aivp: 1\nreferences:\n  h: { file: refs/h.png, prompt: a woman }\n');
    expect(image((await loadProject(dir)).nodes, 'h').file).toBe('refs/h.png');
  });

  it('an unknown model under a known provider is a warning', async () => {
    const dir = await tempProject('aivp: 1\nshots:\n  a: { prompt: x, model: fal-ai/recraft/v3/text-to-image }\n  b: { prompt: y, model: gemini-9-image }\n');
    const p = await loadProject(dir);
    expect(p.warnings.map((w) => [w.line, w.message])).toEqual([
      [3, "model `fal-ai/recraft/v3/text-to-image` is not in aivp's model table: generic input mapping and no cost estimate"],
      [4, "model `gemini-9-image` is not in aivp's model table: generic input mapping and no cost estimate"],
    ]);
  });

  it('never echoes a credential value', async () => {
    const secret = 'sk-live-0123456789abcdefABCDEF';
    const dir = await tempProject(`aivp: 1\nshots:\n  a:\n    prompt: x\n    params: { fal_key: ${secret}, style_key: vivid }\n`);
    // `style_key` is no field of flux/dev's input either: that error names no value.
    const errors = await loadErrors(dir);
    expect(errors.map((e) => e.field)).toEqual(['shots.a.params.fal_key', 'shots.a.params.style_key']);
    expect(errors[0]).toMatchObject({ line: 5, col: 15, field: 'shots.a.params.fal_key' });
    expect(JSON.stringify(errors)).not.toContain(secret);
  });

  it('a syntax error that quotes a secret line does not leak it', async () => {
    const dir = await tempProject('aivp: 1\nsecretish: "sk-0123456789abcdef\n');
    const errors = await loadErrors(dir);
    expect(JSON.stringify(errors)).not.toContain('sk-0123456789abcdef');
  });

  it('a missing project file is a usage error', async () => {
    const dir = await tempProject('aivp: 1\n');
    await expect(loadProject(join(dir, 'nowhere'))).rejects.toThrow(UsageError);
    await expect(loadProject(join(dir, 'nowhere'))).rejects.toThrow(/no aivp\.project\.yaml/);
  });

  it('an upscaler needs no prompt', async () => {
    const dir = await tempProject('aivp: 1\nshots:\n  a: { prompt: x }\n  up: { input: a, model: fal-ai/clarity-upscaler }\n');
    expect(image((await loadProject(dir)).nodes, 'up').prompt).toBeUndefined();
  });
});
