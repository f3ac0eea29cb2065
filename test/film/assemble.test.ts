// The film's ffmpeg command, without running it: clip facts read from `ffmpeg -i`, the
// normalising filter graph, crossfade offsets, and when the `-c copy` fast path applies.
import { describe, expect, it } from 'vitest';
import { assemblyPlan, copyPlan } from '../../src/providers/film/assemble.js';
import { parseProbe, type ClipInfo } from '../../src/media/clip-probe.js';
import type { FilmEdit, InputImage } from '../../src/providers/types.js';

const SECTION = `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'a.mp4':
  Duration: 00:00:05.00, start: 0.000000, bitrate: 985 kb/s
  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(progressive), 640x360 [SAR 1:1 DAR 16:9], 983 kb/s, 24 fps, 24 tbr, 12288 tbn (default)
  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 48000 Hz, stereo, fltp, 2 kb/s (default)
`;

const clip = (name: string): InputImage => ({ name, path: `/cache/${name}`, sha256: name, mediaType: 'video/mp4' });
const edit = (over: Partial<FilmEdit> = {}): FilmEdit => ({ clips: [clip('a'), clip('b'), clip('c')], transition: { type: 'cut' }, fps: 24, ...over });
const info = (over: Partial<ClipInfo> = {}): ClipInfo => ({ ...parseProbe(SECTION), ...over });

describe('parseProbe', () => {
  it('reads duration, size, fps, sound and coding', () => {
    expect(parseProbe(SECTION)).toEqual({
      duration: 5, width: 640, height: 360, fps: 24, hasAudio: true, coding: 'h264 yuv420p sar=1:1 tbn=12288 | aac 48000 stereo',
    });
  });

  it('turns rotated phone clips upright and notices a clip without sound', () => {
    const rotated = SECTION.replace(/\n {2}Stream #0:1.*\n/, '\n') + '      displaymatrix: rotation of -90.00 degrees\n';
    expect(parseProbe(rotated)).toMatchObject({ width: 360, height: 640, hasAudio: false });
  });

  it('refuses a file without a video stream', () => {
    expect(() => parseProbe(SECTION.replace(/.*Video:.*\n/, ''))).toThrow('no video stream');
  });
});

describe('assemblyPlan', () => {
  it('normalises every clip and cuts them: the film lasts the sum', () => {
    const plan = assemblyPlan(edit(), [info({ duration: 2 }), info({ duration: 3, width: 1280, height: 720 }), info({ duration: 2, hasAudio: false })], 'out.mp4');
    expect(plan).toMatchObject({ duration: 7, width: 1280, height: 720 });
    const graph = plan.args[plan.args.indexOf('-filter_complex') + 1]!;
    expect(graph).toContain('[0:v]scale=1280:720:force_original_aspect_ratio=decrease,pad=1280:720:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=24,format=yuv420p');
    expect(graph).toContain('anullsrc=r=48000:cl=stereo,atrim=duration=2');
    expect(graph).toContain('[v0][a0][v1][a1][v2][a2]concat=n=3:v=1:a=1[vc][ac]');
    expect(plan.args).toEqual(expect.arrayContaining(['libx264', 'aac', '+faststart']));
  });

  it('crossfades: each fade starts one fade before the end of what is joined; the film is shorter by one fade per join', () => {
    const plan = assemblyPlan(edit({ transition: { type: 'crossfade', duration: 0.5 } }), [info({ duration: 2 }), info({ duration: 3 }), info({ duration: 2 })], 'out.mp4');
    expect(plan.duration).toBe(6);
    const graph = plan.args[plan.args.indexOf('-filter_complex') + 1]!;
    expect(graph).toContain('[v0][v1]xfade=transition=fade:duration=0.5:offset=1.5[vx1]');
    expect(graph).toContain('[vx1][v2]xfade=transition=fade:duration=0.5:offset=4[vc]');
    expect(graph).toContain('[ax1][a2]acrossfade=d=0.5[ac]');
    // The cut the record keeps for the storyboard is the one the offsets came from.
    expect(plan.cut).toEqual([
      { segment: 'a', startSec: 0, durationSec: 2 },
      { segment: 'b', startSec: 1.5, durationSec: 3 },
      { segment: 'c', startSec: 4, durationSec: 2 },
    ]);
  });

  it('mixes a sound track trimmed to the film and faded out', () => {
    const plan = assemblyPlan(edit({ audio: { file: clip('music'), volume: 0.8 } }), [info({ duration: 2 }), info({ duration: 3 }), info({ duration: 2 })], 'out.mp4');
    const graph = plan.args[plan.args.indexOf('-filter_complex') + 1]!;
    expect(graph).toContain('[3:a]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo,volume=0.8,apad,atrim=duration=7,afade=t=out:st=5:d=2[music]');
    expect(plan.args.slice(plan.args.indexOf('-map'))).toContain('[am]');
  });

  it('refuses a crossfade not shorter than a clip', () => {
    expect(() => assemblyPlan(edit({ transition: { type: 'crossfade', duration: 1 } }), [info(), info({ duration: 1 }), info()], 'out.mp4')).toThrow(
      'the crossfade (1 s) is not shorter than clip b (1 s)',
    );
  });
});

describe('copyPlan', () => {
  it('joins matching clips without re-encoding', () => {
    const plan = copyPlan(edit(), [info(), info(), info()], 'list.txt', 'out.mp4');
    expect(plan?.args).toEqual(expect.arrayContaining(['concat', '-c', 'copy']));
    expect(plan?.list).toBe("file '/cache/a'\nfile '/cache/b'\nfile '/cache/c'\n");
    expect(plan?.duration).toBe(15);
    expect(plan?.cut.map((c) => [c.segment, c.startSec])).toEqual([['a', 0], ['b', 5], ['c', 10]]);
  });

  it('re-encodes whenever anything differs: size, fps, sound, codec, a crossfade or a sound track', () => {
    const three = (c: Partial<ClipInfo>) => [info(), info(c), info()];
    expect(copyPlan(edit(), three({ width: 1280, height: 720 }), 'l', 'o')).toBeUndefined();
    expect(copyPlan(edit(), three({ fps: 30 }), 'l', 'o')).toBeUndefined();
    expect(copyPlan(edit(), three({ hasAudio: false, coding: 'h264 yuv420p sar=1:1 tbn=12288 | none' }), 'l', 'o')).toBeUndefined();
    expect(copyPlan(edit(), three({ coding: 'hevc yuv420p sar=1:1 tbn=12288 | aac 48000 stereo' }), 'l', 'o')).toBeUndefined();
    expect(copyPlan(edit({ fps: 25 }), [info(), info(), info()], 'l', 'o')).toBeUndefined();
    expect(copyPlan(edit({ transition: { type: 'crossfade', duration: 0.5 } }), [info(), info(), info()], 'l', 'o')).toBeUndefined();
    expect(copyPlan(edit({ audio: { file: clip('m'), volume: 1 } }), [info(), info(), info()], 'l', 'o')).toBeUndefined();
  });
});
