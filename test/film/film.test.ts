// The film through the built CLI: draft clips as MP4 of their durations, cuts and crossfades of
// the right length, mixed clips normalised, a sound track trimmed, incremental rebuilds, ffmpeg
// missing, a corrupt clip, and the validation of `film:`.
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../cli/helpers.js';
import { tempProject, writeFiles } from '../support/project.js';
import { build, ffprobe, makeClip, makeTone, snapshot } from './helpers.js';

const DRAFT = `aivp: 1
name: tiny
defaults:
  image: { model: draft, size: 320x180 }
  video: { model: draft }
shots:
  a: { prompt: "first" }
  b: { prompt: "second" }
  c: { prompt: "third" }
segments:
  one: { keyframes: [a, b], duration: 2, prompt: "one" }
  two: { keyframes: [b, c], duration: 3, prompt: "two" }
  three: { keyframes: [c], duration: 2, prompt: "three" }
film: {}
`;

/** The same project with 1 s clips, where the lengths do not matter. */
const SHORT = DRAFT.replace(/duration: \d/g, 'duration: 1');

const near = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThan(0.15);

describe('film', () => {
  it('draft clips are MP4 of their declared durations and cut into a film of their total; rebuilds are incremental', async () => {
    const dir = await tempProject(DRAFT);
    const first = await build(dir);
    expect(first.code, first.stderr).toBe(0);
    for (const [seg, seconds] of [['one', 2], ['two', 3], ['three', 2]] as const) {
      const p = ffprobe(join(dir, 'segments', `${seg}.mp4`));
      expect(p.streams.find((s) => s.codec_type === 'video')?.codec_name).toBe('h264');
      near(p.duration, seconds);
    }
    const film = ffprobe(join(dir, 'film', 'tiny.mp4'));
    near(film.duration, 7);
    expect(film.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    const record = JSON.parse(await readFile(join(dir, 'metadata', 'film.json'), 'utf8'));
    expect(record).toMatchObject({ node: 'film', kind: 'film', draft: true, model: 'ffmpeg', outputs: [{ path: 'film/tiny.mp4', mediaType: 'video/mp4' }] });
    expect(record.inputs.map((i: { name: string }) => i.name)).toEqual(['one', 'two', 'three']);
    // Its real cut, from the probed clips: what the storyboard's times come from.
    expect(record.cut.map((c: { segment: string }) => c.segment)).toEqual(['one', 'two', 'three']);
    near(record.cut[1].startSec, 2);
    near(record.cut[2].startSec, 5);
    // The edit settings sit at the top of `params`, not nested in a second `params`.
    expect(record.params).toHaveProperty('transition');
    expect(record.params).not.toHaveProperty('params');

    // A no-op build touches nothing.
    const before = await snapshot(dir);
    const noop = await build(dir);
    expect(noop.code).toBe(0);
    expect(Object.values(noop.outcomes).every((o) => o === 'uptodate')).toBe(true);
    const after = await snapshot(dir);
    for (const [p, v] of before) if (!p.startsWith('.aivp/')) expect(after.get(p), p).toBe(v);

    // One segment's prompt: that segment and the film, nothing else.
    await writeFile(join(dir, 'aivp.project.yaml'), DRAFT.replace('prompt: "two"', 'prompt: "two, slower"'));
    const plan = await runCli(['-C', dir, 'plan'], { env: cleanEnv() });
    expect(plan.stdout).toMatch(/film\s+ffmpeg\s+input two will be rebuilt/);
    const graph = await runCli(['-C', dir, 'graph', '--format', 'json'], { env: cleanEnv() });
    expect(JSON.parse(graph.stdout).nodes).toContainEqual({ name: 'film', kind: 'film', model: 'ffmpeg', provider: 'film', deps: ['one', 'two', 'three'] });
    const edit = await build(dir);
    expect(edit.code, edit.stderr).toBe(0);
    const built = Object.entries(edit.outcomes).filter(([, o]) => o === 'built').map(([n]) => n);
    expect(built.sort()).toEqual(['film', 'two']);

    // Crossfades: only the film, 7 - 2 x 0.5 = 6 s.
    const edited = DRAFT.replace('prompt: "two"', 'prompt: "two, slower"');
    await writeFile(join(dir, 'aivp.project.yaml'), edited.replace('film: {}', 'film: { transition: { type: crossfade, duration: 0.5 } }'));
    const plan2 = await runCli(['-C', dir, 'plan'], { env: cleanEnv() });
    expect(plan2.stdout).toMatch(/film\s+ffmpeg\s+.*edit settings changed/);
    const fade = await build(dir);
    expect(Object.entries(fade.outcomes).filter(([, o]) => o !== 'uptodate')).toEqual([['film', 'built']]);
    near(ffprobe(join(dir, 'film', 'tiny.mp4')).duration, 6);
  }, 120_000);

  it('clips of different sizes, frame rates, with and without sound give a correct film; the sound track is trimmed to it', async () => {
    const dir = await tempProject(
      DRAFT.replace('film: {}', 'film:\n  segments: [three, two, one]\n  audio: { file: music/theme.mp3, volume: 0.5 }\n  fps: 25\n'),
      { 'segments/.keep': '', 'music/.keep': '' },
    );
    makeClip(join(dir, 'segments', 'one.mp4'), { size: '320x240', fps: 24, seconds: 2 });
    makeClip(join(dir, 'segments', 'two.mp4'), { size: '240x320', fps: 30, seconds: 3, audio: true });
    makeClip(join(dir, 'segments', 'three.mp4'), { size: '480x270', fps: 25, seconds: 2 });
    makeTone(join(dir, 'music', 'theme.mp3'), 12);
    const r = await build(dir, ['film']);
    expect(r.code, r.stderr).toBe(0);
    // Hand-placed clips are kept as they are (output exists without a record) and cut as given.
    expect(r.outcomes).toMatchObject({ one: 'uptodate', two: 'uptodate', three: 'uptodate', film: 'built' });
    const film = ffprobe(join(dir, 'film', 'tiny.mp4'));
    near(film.duration, 7);
    const video = film.streams.find((s) => s.codec_type === 'video')!;
    expect(video).toMatchObject({ codec_name: 'h264', width: 480, height: 270, r_frame_rate: '25/1' });
    expect(film.streams.find((s) => s.codec_type === 'audio')?.codec_name).toBe('aac');
  }, 120_000);

  it('`aivp build film` builds its dependencies; a corrupt clip fails the film clearly and leaves the old film', async () => {
    const dir = await tempProject(SHORT);
    const r = await build(dir, ['film']);
    expect(r.code, r.stderr).toBe(0);
    expect(Object.keys(r.outcomes).sort()).toEqual(['a', 'b', 'c', 'film', 'one', 'three', 'two']);
    const good = await readFile(join(dir, 'film', 'tiny.mp4'));

    await writeFile(join(dir, 'segments', 'two.mp4'), 'not a video at all\n');
    const bad = await build(dir);
    expect(bad.code).toBe(1);
    expect(bad.outcomes.film).toBe('failed');
    expect(bad.stdout).toMatch(/clip two is not a video ffmpeg can read: Invalid data found when processing input/);
    expect((await readFile(join(dir, 'film', 'tiny.mp4'))).equals(good)).toBe(true);
    expect(await readdir(join(dir, 'film'))).toEqual(['tiny.mp4']);
  }, 120_000);

  it('a film whose segment failed is not assembled; --keep-going builds the rest', async () => {
    const dir = await tempProject(SHORT);
    // A keyframe that is no image: the draft of `three` fails reading it.
    await writeFiles(dir, { 'keyframes/c.png': 'garbage' });
    const r = await build(dir, ['--keep-going']);
    expect(r.code).toBe(1);
    expect(r.outcomes).toMatchObject({ a: 'built', b: 'built', one: 'built', two: 'failed', three: 'failed', film: 'skipped' });
    expect(r.stdout).toMatch(/"node":"film","reason":"(two|three) failed"/);
    expect(existsSync(join(dir, 'film'))).toBe(false);
  }, 120_000);

  it('without ffmpeg a build needing video work stops before anything, with the install command; keyframes alone still build', async () => {
    const env = cleanEnv({ PATH: '/nonexistent-aivp-test' });
    delete env.FFMPEG_PATH;
    const dir = await tempProject(DRAFT);
    const r = await runCli(['-C', dir, 'build', '--draft'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ffmpeg is needed .* install it with `[^`]+ffmpeg`, or set FFMPEG_PATH/);
    expect(r.stderr).toMatch(/nothing was generated/);
    expect(await readdir(dir)).toEqual(['aivp.project.yaml']);

    const wrong = await runCli(['-C', dir, 'build'], { env: { ...env, FFMPEG_PATH: join(dir, 'no-ffmpeg') } });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/FFMPEG_PATH is .*no-ffmpeg, which is not an executable file/);

    const keyframes = await runCli(['-C', dir, 'build', 'a', 'b'], { env });
    expect(keyframes.code, keyframes.stderr).toBe(0);
    expect(existsSync(join(dir, 'keyframes', 'a.png'))).toBe(true);
  }, 60_000);
});

describe('film validation', () => {
  const validate = async (yaml: string, files: Record<string, string> = {}) => {
    const dir = await tempProject(yaml, files);
    return runCli(['-C', dir, 'validate'], { env: cleanEnv() });
  };

  it('unknown and repeated segments and a crossfade longer than a clip, all at once as file:line:col', async () => {
    const r = await validate(DRAFT.replace('film: {}', 'film:\n  segments: [one, thre, one]\n  transition: { type: crossfade, duration: 2 }\n'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/aivp\.project\.yaml:15:\d+: unknown segment `thre` in `film.segments`.*\n.*did you mean `three`\?/);
    expect(r.stderr).toMatch(/aivp\.project\.yaml:15:\d+: segment `one` is listed twice/);
    expect(r.stderr).toMatch(/aivp\.project\.yaml:16:\d+: the crossfade \(2 s\) is not shorter than segment `one` \(2 s\)/);
  });

  it('a missing or non-audio sound track', async () => {
    const yaml = DRAFT.replace('film: {}', 'film:\n  audio: { file: music/theme.mp3 }\n');
    const missing = await validate(yaml, { 'music/other.mp3': 'ID3' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/aivp\.project\.yaml:15:\d+: audio file `music\/theme.mp3` not found/);
    const notAudio = await validate(yaml, { 'music/theme.mp3': '<html>nope</html>' });
    expect(notAudio.code).toBe(2);
    expect(notAudio.stderr).toMatch(/aivp\.project\.yaml:15:\d+: `music\/theme.mp3` is not an audio file/);
  });

  it('a bad transition, an odd size and a node named film', async () => {
    const r = await validate(DRAFT.replace('  c: { prompt: "third" }', '  c: { prompt: "third" }\n  film: { prompt: "x" }').replace('film: {}', 'film:\n  transition: dissolve\n  size: 641x360\n'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/`transition` must be cut or crossfade/);
    expect(r.stderr).toMatch(/film size 641x360 must have even width and height/);
    expect(r.stderr).toMatch(/the name `film` is taken by the film/);
  });
});
