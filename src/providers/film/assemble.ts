// The film's ffmpeg command. Every clip is normalised (scaled and letterboxed to the film size,
// one frame rate, yuv420p, square pixels, 48 kHz stereo, silence where it has no sound, cut to its
// own length) before the cut or the crossfades, so clips from different models, sizes and frame
// rates always give a correct film; `-f concat -c copy` on such clips writes a broken file, so it
// is only a fast path for clips that already match the film stream for stream.
import type { FilmEdit } from '../types.js';
import type { ClipInfo } from '../../media/clip-probe.js';
import { cutEnd, filmCut, round, type FilmCut } from '../../media/cut.js';

export interface AssemblyPlan {
  args: string[];
  /** Seconds. */
  duration: number;
  width: number;
  height: number;
  /** Where each clip starts in the film and how long it lasts there, in clip order. */
  cut: FilmCut;
}

/** The coding every clip must have for the `-c copy` fast path (besides the film's size and fps). */
const COPYABLE = /^h264 yuv420p sar=1:1 tbn=\S+ \| aac 48000 stereo$/;

/**
 * A concat-demuxer list when the clips can be joined without re-encoding: a cut, no sound track,
 * and every clip H.264 yuv420p + AAC 48 kHz stereo at the film's size and fps, with one time base.
 */
export function copyPlan(edit: FilmEdit, clips: ClipInfo[], list: string, out: string): (AssemblyPlan & { list: string }) | undefined {
  const { width, height } = filmSize(edit, clips);
  if (edit.transition.type !== 'cut' || edit.audio) return undefined;
  const same = clips.every(
    (c) => COPYABLE.test(c.coding) && c.coding === clips[0]!.coding && c.width === width && c.height === height && c.fps === edit.fps,
  );
  if (!same) return undefined;
  const text = edit.clips.map((c) => `file '${c.path.replace(/'/g, "'\\''")}'\n`).join('');
  const args = ['-hide_banner', '-nostdin', '-v', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', '-movflags', '+faststart', '-f', 'mp4', out];
  const cut = filmCut(edit.clips.map((c) => c.name), clips.map((c) => c.duration), 0);
  return { args, list: text, duration: cutEnd(cut), width, height, cut };
}

/** x264 preset: `veryfast` encodes a 1080p film several times faster than the default at the same quality (crf 20). */
const VIDEO_CODEC = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p'];
const AUDIO_CODEC = ['-c:a', 'aac', '-b:a', '160k', '-ar', '48000'];
const AUDIO_FORMAT = 'aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo';
/** The sound track's fade-out at the end of the film, in seconds (at most a third of the film). */
const MUSIC_FADE = 2;

/** The film size: as set, else the largest clip's (by area), rounded to even numbers. */
export function filmSize(edit: FilmEdit, clips: ClipInfo[]): { width: number; height: number } {
  if (edit.size) return edit.size;
  const largest = clips.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
  return { width: even(largest.width), height: even(largest.height) };
}

/**
 * ffmpeg arguments assembling `clips` (probed, in the same order as edit.clips) into `out`.
 * Throws when a crossfade is not shorter than a clip.
 */
export function assemblyPlan(edit: FilmEdit, clips: ClipInfo[], out: string): AssemblyPlan {
  const { width: W, height: H } = filmSize(edit, clips);
  const F = edit.fps;
  const fade = edit.transition.type === 'crossfade' ? edit.transition.duration : 0;
  clips.forEach((c, i) => {
    if (fade > 0 && fade >= c.duration) {
      throw new Error(`the crossfade (${fade} s) is not shorter than clip ${edit.clips[i]!.name} (${round(c.duration)} s)`);
    }
  });
  const graph: string[] = [];
  clips.forEach((c, i) => {
    const d = round(c.duration);
    graph.push(
      `[${i}:v]scale=${W}:${H}:force_original_aspect_ratio=decrease,pad=${W}:${H}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=${F},format=yuv420p,` +
        `tpad=stop_mode=clone:stop_duration=1,trim=duration=${d},setpts=PTS-STARTPTS,settb=AVTB[v${i}]`,
    );
    graph.push(
      c.hasAudio
        ? `[${i}:a]${AUDIO_FORMAT},apad,atrim=duration=${d},asetpts=PTS-STARTPTS[a${i}]`
        : `anullsrc=r=48000:cl=stereo,atrim=duration=${d},${AUDIO_FORMAT}[a${i}]`,
    );
  });
  const n = clips.length;
  const cut = filmCut(edit.clips.map((c) => c.name), clips.map((c) => c.duration), fade);
  const total = cutEnd(cut);
  if (n === 1) {
    graph.push('[v0]null[vc]', '[a0]anull[ac]');
  } else if (fade === 0) {
    graph.push(`${clips.map((_, i) => `[v${i}][a${i}]`).join('')}concat=n=${n}:v=1:a=1[vc][ac]`);
  } else {
    // Each fade starts where the cut starts the next clip, `fade` seconds before what is joined so far ends.
    let v = '[v0]';
    let a = '[a0]';
    for (let i = 1; i < n; i++) {
      const last = i === n - 1;
      const vo = last ? '[vc]' : `[vx${i}]`;
      const ao = last ? '[ac]' : `[ax${i}]`;
      graph.push(`${v}[v${i}]xfade=transition=fade:duration=${fade}:offset=${cut[i]!.startSec}${vo}`);
      graph.push(`${a}[a${i}]acrossfade=d=${fade}${ao}`);
      v = vo;
      a = ao;
    }
  }
  const inputs = edit.clips.flatMap((c) => ['-i', c.path]);
  let audioOut = '[ac]';
  if (edit.audio) {
    inputs.push('-i', edit.audio.file.path);
    const f = round(Math.min(MUSIC_FADE, total / 3));
    graph.push(
      `[${n}:a]${AUDIO_FORMAT},volume=${edit.audio.volume},apad,atrim=duration=${total},afade=t=out:st=${round(total - f)}:d=${f}[music]`,
      '[ac][music]amix=inputs=2:duration=first:normalize=0[am]',
    );
    audioOut = '[am]';
  }
  const args = [
    '-hide_banner', '-nostdin', '-v', 'error', '-y',
    ...inputs,
    '-filter_complex', graph.join(';'),
    '-map', '[vc]', '-map', audioOut,
    ...VIDEO_CODEC, '-r', String(F), ...AUDIO_CODEC,
    '-t', String(total), '-movflags', '+faststart', '-f', 'mp4', out,
  ];
  return { args, duration: total, width: W, height: H, cut };
}

function even(x: number): number {
  return Math.max(2, 2 * Math.round(x / 2));
}
