// `aivp import ttv|csv` through the built CLI: a ttv-pipeline prompt file and a CSV shot list
// become projects that validate and draft-build with every prompt verbatim; malformed files get
// FILE:line errors, exit 2 and leave the folder untouched; an existing project needs --force.
import { existsSync } from 'node:fs';
import { cp, lstat, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO, runCli } from '../cli/helpers.js';
import { makeImage } from '../support/images.js';
import { tempDir } from '../support/project.js';

const FIXTURES = join(REPO, 'test', 'fixtures', 'import');
const png = (r: number, g: number, b: number) => makeImage({ colour: { r, g, b } });

async function listing(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String).sort();
}

async function record(dir: string, node: string): Promise<{ prompt?: string; outputs: { path: string }[] }> {
  return JSON.parse(await readFile(join(dir, 'metadata', `${node}.json`), 'utf8'));
}

/** Validate and draft-build the project in `dir`; each generated node gets a record and an output on disk. */
async function validateAndDraft(dir: string, total: number, generated: string[]): Promise<void> {
  const validate = await runCli(['-C', dir, 'validate']);
  expect(validate.stderr).toBe('');
  expect(validate.code).toBe(0);
  expect(validate.stdout).toContain(`ok (${total} nodes)`);
  const build = await runCli(['-C', dir, 'build', '--draft']);
  expect(build.code, build.stderr).toBe(0);
  for (const node of generated) {
    const r = await record(dir, node);
    expect(existsSync(join(dir, r.outputs[0].path)), `${node}: ${r.outputs[0].path}`).toBe(true);
  }
}

describe('aivp import ttv', () => {
  it('a prompt file without a start image: start frame generated, keyframes chained, segments first-to-last, durations, prompts verbatim', async () => {
    const dir = await tempDir();
    await cp(join(FIXTURES, 'enhanced_prompt.json'), join(dir, 'enhanced_prompt.json'));
    const source = JSON.parse(await readFile(join(FIXTURES, 'enhanced_prompt.json'), 'utf8'));

    const r = await runCli(['-C', dir, 'import', 'ttv', 'enhanced_prompt.json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 reference, 3 shots, 3 segments');

    const text = await readFile(join(dir, 'aivp.project.yaml'), 'utf8');
    expect(text).toMatch(/^# yaml-language-server: \$schema=\.\/aivp\.project\.schema\.json\n/);
    expect(JSON.parse(await readFile(join(dir, 'aivp.project.schema.json'), 'utf8')).$schema).toMatch(/json-schema/);
    expect(text).toContain('# Imported by `aivp import ttv` from the ttv-pipeline prompt file enhanced_prompt.json.');
    expect(text).toContain(`# Reasoning: ${source.segmentation_logic.reasoning}`);
    const p = parse(text);
    expect(p.references.start_frame).toEqual({ prompt: `First frame establishing shot: ${source.keyframe_prompts[0].prompt}` });
    expect(Object.keys(p.shots)).toEqual(['frame_01', 'frame_02', 'frame_03']);
    expect([p.shots.frame_01.input, p.shots.frame_02.input, p.shots.frame_03.input]).toEqual(['start_frame', 'frame_01', 'frame_02']);
    expect(p.segments).toEqual({
      segment_01: { keyframes: ['start_frame', 'frame_01'], prompt: source.video_prompts[0].prompt, duration: 5 },
      segment_02: { keyframes: ['frame_01', 'frame_02'], prompt: source.video_prompts[1].prompt, duration: 5 },
      segment_03: { keyframes: ['frame_02', 'frame_03'], prompt: source.video_prompts[2].prompt, duration: 5 },
    });

    const nodes = ['start_frame', 'frame_01', 'frame_02', 'frame_03', 'segment_01', 'segment_02', 'segment_03'];
    await validateAndDraft(dir, nodes.length, nodes);
    // What the model receives is the prompt file's text: multi-line, quotes, `${...}` and all.
    for (const [i, k] of source.keyframe_prompts.entries()) expect((await record(dir, `frame_0${i + 1}`)).prompt).toBe(k.prompt);
    expect((await record(dir, 'frame_03')).prompt).toContain('${grain}');
    expect((await record(dir, 'start_frame')).prompt).toBe(`First frame establishing shot: ${source.keyframe_prompts[0].prompt}`);
  });

  it('an even split the default video model does not make is snapped to the nearest duration it offers, with a warning', async () => {
    const dir = await tempDir();
    const prompt = `{\n  "segmentation_logic": {"total_duration_seconds": 24, "number_of_segments": 3},\n  "keyframe_prompts": ["a", "b", "c"],\n  "video_prompts": [\n    {"segment": 1, "prompt": "v1", "first_frame": "provided_start_image.png", "last_frame": "segment_01.png"},\n    {"segment": 2, "prompt": "v2", "first_frame": "segment_01.png", "last_frame": "segment_02.png"},\n    {"segment": 3, "prompt": "v3", "first_frame": "segment_02.png", "last_frame": "segment_03.png"}\n  ]\n}\n`;
    await writeFile(join(dir, 'p.json'), prompt);
    const r = await runCli(['-C', dir, 'import', 'ttv', 'p.json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('24 s in 3 segment(s) is 8 s each, which `fal-ai/kling-video/v2.5-turbo/pro/image-to-video` does not make: each segment asks for 10 s, the nearest it offers');
    const p = parse(await readFile(join(dir, 'aivp.project.yaml'), 'utf8'));
    expect(Object.values(p.segments).map((seg: any) => seg.duration)).toEqual([10, 10, 10]);
    const validate = await runCli(['-C', dir, 'validate']);
    expect([validate.code, validate.stderr]).toEqual([0, '']);
  });

  it('provided_start_image.png beside the file and --references DIR, written to --out: copied in, chained from the start image, refs on every keyframe', async () => {
    const work = await tempDir();
    const start = await png(200, 40, 40);
    await cp(join(FIXTURES, 'enhanced_prompt.json'), join(work, 'ttv', 'enhanced_prompt.json'));
    await writeFile(join(work, 'ttv', 'provided_start_image.png'), start);
    await mkdir(join(work, 'ttv', 'reference_images'));
    await writeFile(join(work, 'ttv', 'reference_images', 'heroine.png'), await png(40, 200, 40));
    await writeFile(join(work, 'ttv', 'reference_images', 'cliff.png'), await png(40, 40, 200));

    const r = await runCli(['-C', work, 'import', 'ttv', 'ttv/enhanced_prompt.json', '--references', 'ttv/reference_images', '--out', 'film']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Copied into the project: refs/provided_start_image.png, refs/reference_images');
    const dir = join(work, 'film');
    expect(await readFile(join(dir, 'refs', 'provided_start_image.png'))).toEqual(start);
    expect((await readdir(join(dir, 'refs', 'reference_images'))).sort()).toEqual(['cliff.png', 'heroine.png']);

    const p = parse(await readFile(join(dir, 'aivp.project.yaml'), 'utf8'));
    expect(p.name).toBe('film');
    expect(p.references).toEqual({ start_frame: { file: 'refs/provided_start_image.png' }, reference_images: { dir: 'refs/reference_images' } });
    for (const shot of Object.values<{ refs: string[] }>(p.shots)) expect(shot.refs).toEqual(['reference_images']);
    expect(p.shots.frame_01.input).toBe('start_frame');
    await validateAndDraft(dir, 8, ['frame_01', 'frame_02', 'frame_03', 'segment_01', 'segment_02', 'segment_03']);
  });

  it('--initial-image inside the project is referenced where it is, not copied', async () => {
    const dir = await tempDir();
    await cp(join(FIXTURES, 'enhanced_prompt.json'), join(dir, 'prompts', 'enhanced_prompt.json'));
    await mkdir(join(dir, 'art'));
    await writeFile(join(dir, 'art', 'opening.png'), await png(10, 10, 10));
    const r = await runCli(['-C', dir, 'import', 'ttv', 'prompts/enhanced_prompt.json', '--initial-image', 'art/opening.png']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('Copied');
    expect(parse(await readFile(join(dir, 'aivp.project.yaml'), 'utf8')).references.start_frame).toEqual({ file: 'art/opening.png' });
    expect(await listing(dir)).toEqual(['.gitignore', 'aivp.project.schema.json', 'aivp.project.yaml', 'art', 'art/opening.png', 'prompts', 'prompts/enhanced_prompt.json']);
    expect(await readFile(join(dir, '.gitignore'), 'utf8')).toBe('.aivp/\n.env\n');
  });
});

describe('aivp import csv', () => {
  it('a shot list: names sanitised, refs and input resolved, notes as comments, a segment_prompt makes a segment to the next shot', async () => {
    const dir = await tempDir();
    await cp(join(FIXTURES, 'shots.csv'), join(dir, 'shots.csv'));
    await mkdir(join(dir, 'refs', 'places'), { recursive: true });
    await writeFile(join(dir, 'refs', 'keeper.png'), await png(90, 60, 30));
    await writeFile(join(dir, 'refs', 'places', 'stairs.png'), await png(30, 60, 90));

    const r = await runCli(['-C', dir, 'import', 'csv', 'shots.csv']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const text = await readFile(join(dir, 'aivp.project.yaml'), 'utf8');
    expect(text).toContain('# Imported by `aivp import csv` from the shot list shots.csv (3 shot(s), 2 segment(s)).');
    expect(text).toContain('  # Establishing shot\n  opening_wide:\n');
    expect(text).toContain('  # Two lines\n  # of notes\n  keeper:\n');
    const p = parse(text);
    // The shot took `keeper` first; the image beside it is the reference of that name.
    expect(p.references).toEqual({ keeper_ref: { file: 'refs/keeper.png' }, places: { dir: 'refs/places' } });
    // Ratios are quoted: a YAML 1.1 reader (PyYAML) would read `16:9` as the number 969.
    expect(text).toContain('size: "16:9"');
    expect(parse(text, { version: '1.1' }).shots.opening_wide.size).toBe('16:9');
    expect(p.shots).toEqual({
      opening_wide: { prompt: 'A lighthouse on a cliff at dusk, $${look} stays literal, "quoted" text', refs: ['keeper_ref'], seed: 1001, size: '16:9' },
      keeper: { prompt: 'The keeper climbs the spiral stairs,\nlantern in hand', input: 'opening_wide', refs: ['keeper_ref', 'places'], size: 'landscape' },
      lamp: { prompt: 'The great lamp flares to life', input: 'keeper', seed: 7 },
    });
    expect(p.segments).toEqual({
      seg_opening_wide: { keyframes: ['opening_wide', 'keeper'], prompt: 'Slow push in, gulls wheeling', duration: 5 },
      seg_keeper: { keyframes: ['keeper', 'lamp'], prompt: 'Follow the keeper up the stairs', duration: 5 },
    });

    await validateAndDraft(dir, 7, ['keeper', 'opening_wide', 'lamp', 'seg_opening_wide', 'seg_keeper']);
    expect((await record(dir, 'opening_wide')).prompt).toBe('A lighthouse on a cliff at dusk, ${look} stays literal, "quoted" text');
    expect((await record(dir, 'keeper')).prompt).toBe('The keeper climbs the spiral stairs,\nlantern in hand');
  });

  it('names that sanitise alike stay unique; a last-row segment_prompt is a clip of that shot alone', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'list.csv'), 'Shot,Prompt,Segment Prompt\r\nShot 1,one,\r\nshot_1,two,\r\n"",,\r\nÉtoile!,three,hold on the stars\r\n');
    const r = await runCli(['-C', dir, 'import', 'csv', 'list.csv']);
    expect(r.code, r.stderr).toBe(0);
    const p = parse(await readFile(join(dir, 'aivp.project.yaml'), 'utf8'));
    expect(Object.keys(p.shots)).toEqual(['shot_1', 'shot_1_2', 'etoile']);
    // A token naming a shot loosely must name one: `SHOT 1` could be either.
    await writeFile(join(dir, 'list.csv'), 'shot,prompt,input\nShot 1,one,\nshot_1,two,\nthird,three,SHOT 1\n');
    const ambiguous = await runCli(['-C', dir, 'import', 'csv', 'list.csv', '--force']);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(/^list\.csv:4: `SHOT 1` could be shot `Shot 1` or `shot_1` \(input\)$/m);
    expect(p.segments).toEqual({ seg_etoile: { keyframes: ['etoile'], prompt: 'hold on the stars' } });
    expect((await runCli(['-C', dir, 'validate'])).code).toBe(0);
  });
});

describe('malformed input: FILE:line errors, exit 2, nothing written', () => {
  const frames = (first: string, last: string) =>
    `{\n  "segmentation_logic": {"total_duration_seconds": 10, "number_of_segments": 2, "reasoning": "r"},\n  "keyframe_prompts": [\n    {"segment": 1, "prompt": "a"},\n    {"segment": 2, "prompt": "b"}\n  ],\n  "video_prompts": [\n    {"segment": 1, "prompt": "v1", "first_frame": "provided_start_image.png", "last_frame": "${first}"},\n    {"segment": 2, "prompt": "v2", "first_frame": "segment_01.png", "last_frame": "${last}"}\n  ]\n}\n`;
  const cases: [string, 'ttv' | 'csv', string, string, RegExp][] = [
    ['bad JSON (a trailing comma)', 'ttv', 'p.json', '{\n  "keyframe_prompts": [\n    {"segment": 1, "prompt": "a"},\n  ]\n}\n', /^p\.json:4:3: not valid JSON: value expected$/m],
    ['bad JSON (cut short)', 'ttv', 'p.json', '{\n  "keyframe_prompts": [\n    {"segment": 1, "prompt": "a"}\n', /^p\.json:4:1: not valid JSON: close bracket expected$/m],
    ['a video prompt naming an unknown frame', 'ttv', 'p.json', frames('segment_01.png', 'segment_07.png'), /^p\.json:9:83: `last_frame` names `segment_07.png`, a frame no keyframe prompt makes \(video_prompts\[1\]\.last_frame\)$/m],
    ['an empty keyframe list', 'ttv', 'p.json', '{\n  "keyframe_prompts": []\n}\n', /^p\.json:2:23: `keyframe_prompts` is empty: nothing to import/m],
    ['a prompt file without keyframe_prompts', 'ttv', 'p.json', '{\n  "video_prompts": [{"segment": 1, "prompt": "v"}]\n}\n', /^p\.json:1:1: missing `keyframe_prompts`$/m],
    ['a bad duration in the segmentation', 'ttv', 'p.json', '{\n  "segmentation_logic": {"total_duration_seconds": -5, "number_of_segments": 1},\n  "keyframe_prompts": ["a"]\n}\n', /^p\.json:2:52: `total_duration_seconds` must be a number of seconds above 0, not -5/m],
    ['a CSV missing a required column', 'csv', 's.csv', 'shot,promt\na,hello\n', /^s\.csv:1: missing column `prompt`\n {2}hint: did you mean `promt`\?$/m],
    ['a CSV with only a header', 'csv', 's.csv', 'shot,prompt\n\n', /^s\.csv:1: no shots/m],
    ['a bad seed', 'csv', 's.csv', 'shot,prompt,seed\na,hello,1\nb,"two\nlines",x\n', /^s\.csv:3: seed `x` is not a whole number from 0 \(seed\)$/m],
    ['a bad duration', 'csv', 's.csv', 'shot,prompt,segment_prompt,duration\na,hello,go,5\nb,there,go on,soon\n', /^s\.csv:3: duration `soon` is not a number of seconds above 0 \(duration\)$/m],
    ['a ref that is neither a shot nor a file', 'csv', 's.csv', 'shot,prompt,refs\nhero,a hero,\nscene,a scene,heros\n', /^s\.csv:3: `heros` is neither a shot of this file nor an image beside it \(refs\)\n {2}hint: did you mean `hero`\?$/m],
    ['an unclosed quote', 'csv', 's.csv', 'shot,prompt\na,"never closed\n', /^s\.csv:\d+: not valid CSV: Quote Not Closed/m],
  ];
  it.each(cases)('%s', async (_, format, name, content, expected) => {
    const dir = await tempDir();
    await writeFile(join(dir, name), content);
    const before = await listing(dir);
    const r = await runCli(['-C', dir, 'import', format, name]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(expected);
    expect(r.stderr).toMatch(new RegExp(`^aivp: \\d+ errors? in ${name.replace('.', '\\.')}: nothing was written$`, 'm'));
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).toBe('');
    expect(await listing(dir)).toEqual(before);
  });

  it('every error of a file at once', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 's.csv'), 'shot,prompt,seed,size\na,one,-1,\nb,two,,huge\na,three,,\n');
    const r = await runCli(['-C', dir, 'import', 'csv', 's.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^s\.csv:4: shot `a` is already on line 2/m);
    const r2 = await runCli(['-C', dir, 'import', 'csv', 's.csv']);
    expect(r2.stderr).toBe(r.stderr);
    await writeFile(join(dir, 's.csv'), 'shot,prompt,seed,size\na,one,-1,\nb,two,,huge\n');
    const r3 = await runCli(['-C', dir, 'import', 'csv', 's.csv']);
    expect(r3.stderr).toMatch(/^s\.csv:2: seed `-1` is not a whole number from 0 \(seed\)$/m);
    expect(r3.stderr).toMatch(/^s\.csv:3: size `huge` is not a size \(size\)$/m);
    expect(r3.stderr).toContain('aivp: 2 errors in s.csv');
  });

  it('a missing file, a missing --initial-image or --references folder: exit 2, nothing written', async () => {
    const dir = await tempDir();
    await cp(join(FIXTURES, 'enhanced_prompt.json'), join(dir, 'p.json'));
    const before = await listing(dir);
    for (const args of [['nope.json'], ['p.json', '--initial-image', 'nope.png'], ['p.json', '--references', 'nope']]) {
      const r = await runCli(['-C', dir, 'import', 'ttv', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^aivp: .*(no such file|no such folder)/m);
    }
    const bad = await runCli(['-C', dir, 'import', 'xml', 'p.json']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("value 'xml' is invalid for argument 'format'. Allowed choices are ttv, csv.");
    expect(await listing(dir)).toEqual(before);
  });
});

describe('paths and links: command-line paths anywhere, paths in a file inside its folder', () => {
  it('a CSV naming an image by absolute path, outside its folder, or through a link out: exit 2, nothing written', async () => {
    const work = await tempDir();
    await writeFile(join(work, 'secret.png'), await png(5, 5, 5));
    await mkdir(join(work, 'list'));
    await symlink(join(work, 'secret.png'), join(work, 'list', 'linked.png'));
    await writeFile(join(work, 'list', 'shots.csv'), `shot,prompt,refs\na,one,${join(work, 'secret.png')}\nb,two,../secret.png\nc,three,linked.png\n`);
    const before = await listing(work);
    const r = await runCli(['-C', join(work, 'list'), 'import', 'csv', 'shots.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`shots.csv:2: \`${join(work, 'secret.png')}\` is an absolute path (refs)`);
    expect(r.stderr).toMatch(/^shots\.csv:3: `\.\.\/secret\.png` leads outside the CSV file's folder \(refs\)\n {2}hint: paths in a shot list stay inside its folder/m);
    expect(r.stderr).toMatch(/^shots\.csv:4: `linked\.png` leads outside the CSV file's folder through a symbolic link \(refs\)$/m);
    expect(await listing(work)).toEqual(before);
  });

  it('a start image beside a prompt file that links out of its folder is refused; --initial-image may be anywhere', async () => {
    const work = await tempDir();
    await writeFile(join(work, 'elsewhere.png'), await png(1, 1, 1));
    await cp(join(FIXTURES, 'enhanced_prompt.json'), join(work, 'ttv', 'p.json'));
    await symlink(join(work, 'elsewhere.png'), join(work, 'ttv', 'provided_start_image.png'));
    const r = await runCli(['-C', join(work, 'ttv'), 'import', 'ttv', 'p.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("provided_start_image.png is a symbolic link leading outside the prompt file's folder: nothing was written");
    const ok = await runCli(['-C', join(work, 'ttv'), 'import', 'ttv', 'p.json', '--initial-image', join(work, 'elsewhere.png')]);
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('a dangling link as the project file is not replaced without --force; a dangling .gitignore link is not written through', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'shots.csv'), 'shot,prompt\nopening,a quiet harbour\n');
    await symlink(join(dir, 'gone', 'aivp.project.yaml'), join(dir, 'aivp.project.yaml'));
    const kept = await runCli(['-C', dir, 'import', 'csv', 'shots.csv']);
    expect(kept.code).toBe(2);
    expect(kept.stderr).toContain('aivp.project.yaml already exists: nothing was written (pass --force to replace it)');
    expect((await lstat(join(dir, 'aivp.project.yaml'))).isSymbolicLink()).toBe(true);

    const other = await tempDir();
    const out = join(other, 'film');
    await mkdir(out);
    await symlink(join(other, 'planted'), join(out, '.gitignore'));
    const r = await runCli(['-C', dir, 'import', 'csv', 'shots.csv', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(other, 'planted'))).toBe(false);
    expect((await lstat(join(out, '.gitignore'))).isSymbolicLink()).toBe(true);
  });

  it('a prompt file nested thousands deep: FILE:LINE:COL error, exit 2, no crash', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'p.json'), `{"keyframe_prompts": ${'['.repeat(20000)}${']'.repeat(20000)}}`);
    const r = await runCli(['-C', dir, 'import', 'ttv', 'p.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^p\.json:1:85: nested more than 64 levels deep$/m);
    expect(r.stderr).not.toContain('call stack');
  });
});

describe('--force', () => {
  it('an existing aivp.project.yaml is kept without --force and replaced with it', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'aivp.project.yaml'), 'aivp: 1\n# hand-written\n');
    await writeFile(join(dir, '.gitignore'), 'mine\n');
    await writeFile(join(dir, 'shots.csv'), 'shot,prompt\nopening,a quiet harbour at dawn\n');
    const kept = await runCli(['-C', dir, 'import', 'csv', 'shots.csv']);
    expect(kept.code).toBe(2);
    expect(kept.stderr).toMatch(/aivp\.project\.yaml already exists: nothing was written \(pass --force to replace it\)/);
    expect(await readFile(join(dir, 'aivp.project.yaml'), 'utf8')).toBe('aivp: 1\n# hand-written\n');

    const forced = await runCli(['-C', dir, 'import', 'csv', 'shots.csv', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(parse(await readFile(join(dir, 'aivp.project.yaml'), 'utf8')).shots).toEqual({ opening: { prompt: 'a quiet harbour at dawn' } });
    expect(await readFile(join(dir, '.gitignore'), 'utf8')).toBe('mine\n');
  });

  it('an image the import would copy over is kept without --force', async () => {
    const work = await tempDir();
    await cp(join(FIXTURES, 'enhanced_prompt.json'), join(work, 'ttv', 'enhanced_prompt.json'));
    await writeFile(join(work, 'ttv', 'provided_start_image.png'), await png(1, 2, 3));
    const mine = await png(9, 9, 9);
    await mkdir(join(work, 'film', 'refs'), { recursive: true });
    await writeFile(join(work, 'film', 'refs', 'provided_start_image.png'), mine);
    const kept = await runCli(['-C', work, 'import', 'ttv', 'ttv/enhanced_prompt.json', '--out', 'film']);
    expect(kept.code).toBe(2);
    expect(kept.stderr).toMatch(/refs\/provided_start_image\.png already exists: nothing was written/);
    expect(await listing(join(work, 'film'))).toEqual(['refs', 'refs/provided_start_image.png']);
    expect(await readFile(join(work, 'film', 'refs', 'provided_start_image.png'))).toEqual(mine);

    const forced = await runCli(['-C', work, 'import', 'ttv', 'ttv/enhanced_prompt.json', '--out', 'film', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(await readFile(join(work, 'film', 'refs', 'provided_start_image.png'))).toEqual(await readFile(join(work, 'ttv', 'provided_start_image.png')));
  });
});
