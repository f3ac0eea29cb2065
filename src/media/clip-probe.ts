// What the clips hold, read from ffmpeg's own description of its inputs (`ffmpeg -i a -i b ...`,
// one process for all of them): ffprobe is not always there (ffmpeg-static ships ffmpeg alone),
// and ffmpeg reads every container it can cut.
import { ffmpegError, runFfmpeg } from './ffmpeg-run.js';

export interface ClipInfo {
  /** Seconds. */
  duration: number;
  /** Displayed size (after rotation metadata). */
  width: number;
  height: number;
  fps?: number;
  hasAudio: boolean;
  /** How the streams are coded, for the `-c copy` fast path: e.g. `h264 yuv420p sar=1:1 tbn=12288 | aac 48000 stereo`. */
  coding: string;
}

/** A clip ffmpeg cannot read: which one, and ffmpeg's reason. */
export class ClipError extends Error {
  constructor(
    readonly index: number,
    reason: string,
  ) {
    super(reason);
  }
}

export async function probeClips(ffmpeg: string, paths: string[], signal?: AbortSignal): Promise<ClipInfo[]> {
  const { stderr } = await runFfmpeg(ffmpeg, ['-hide_banner', '-nostdin', ...paths.flatMap((p) => ['-i', p])], { signal });
  const sections = stderr.split(/^(?=Input #\d+)/m).filter((s) => s.startsWith('Input #'));
  const clips: ClipInfo[] = [];
  for (const [i, path] of paths.entries()) {
    const section = sections[i];
    if (!section) {
      // ffmpeg stops at the first input it cannot open; its line names the file.
      const line = stderr.split(/\r?\n/).find((l) => l.startsWith(`${path}: `));
      throw new ClipError(i, line ? line.slice(path.length + 2) : ffmpegError(stderr));
    }
    try {
      clips.push(parseProbe(section));
    } catch (err) {
      throw new ClipError(i, (err as Error).message);
    }
  }
  return clips;
}

/** Parses one input's section of `ffmpeg -i` output. */
export function parseProbe(section: string): ClipInfo {
  const video = /Stream #\d+:\d+\S*: Video: .*?(\d{2,5})x(\d{2,5})(.*)/.exec(section);
  if (!video) throw new Error('no video stream');
  const d = /Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/.exec(section);
  if (!d) throw new Error('ffmpeg reports no duration');
  const duration = Number(d[1]) * 3600 + Number(d[2]) * 60 + Number(d[3]);
  if (!(duration > 0)) throw new Error('the clip lasts 0 s');
  let width = Number(video[1]);
  let height = Number(video[2]);
  // Phone clips store landscape pixels with a rotation; ffmpeg turns them upright on decode.
  const rotation = /rotation of (-?\d+(?:\.\d+)?) degrees/.exec(section);
  if (rotation && Math.abs(Number(rotation[1])) % 180 === 90) [width, height] = [height, width];
  const fps = /(\d+(?:\.\d+)?) fps/.exec(video[3]!);
  const audio = /Stream #\d+:\d+\S*: Audio: (\w+).*?(\d+) Hz, (\w+)/.exec(section);
  const codec = /Video: (\w+)[^,]*, (\w+)/.exec(video[0]);
  const sar = /SAR (\d+:\d+)/.exec(video[3]!)?.[1] ?? '1:1';
  const tbn = /(\d+(?:\.\d+)?k?) tbn/.exec(video[3]!)?.[1];
  const coding = `${codec?.[1]} ${codec?.[2]} sar=${sar} tbn=${tbn} | ${audio ? `${audio[1]} ${audio[2]} ${audio[3]}` : 'none'}`;
  return { duration, width, height, fps: fps ? Number(fps[1]) : undefined, hasAudio: audio !== null, coding };
}
