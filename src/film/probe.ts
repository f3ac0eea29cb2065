// What a clip holds, read from ffmpeg's own description of its input (`ffmpeg -i`): ffprobe is
// not always there (ffmpeg-static ships ffmpeg alone), and ffmpeg reads every container it can cut.
import { ffmpegError, runFfmpeg } from './run.js';

export interface ClipInfo {
  /** Seconds. */
  duration: number;
  /** Displayed size (after rotation metadata). */
  width: number;
  height: number;
  fps?: number;
  hasAudio: boolean;
}

export async function probeClip(ffmpeg: string, path: string, signal?: AbortSignal): Promise<ClipInfo> {
  const { stderr } = await runFfmpeg(ffmpeg, ['-hide_banner', '-nostdin', '-i', path], { signal });
  return parseProbe(stderr);
}

/** Parses `ffmpeg -i` output; throws with ffmpeg's reason when the file is no video it can read. */
export function parseProbe(stderr: string): ClipInfo {
  const video = /Stream #\d+:\d+\S*: Video: .*?(\d{2,5})x(\d{2,5})(.*)/.exec(stderr);
  if (!video) {
    const reason = /Invalid data|could not find codec|moov atom not found|No such file|Error/i.test(stderr) ? ffmpegError(stderr) : 'no video stream';
    throw new Error(reason.replace(/^.*?: (?=[A-Z])/, ''));
  }
  const d = /Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/.exec(stderr);
  if (!d) throw new Error('ffmpeg reports no duration');
  const duration = Number(d[1]) * 3600 + Number(d[2]) * 60 + Number(d[3]);
  if (!(duration > 0)) throw new Error('the clip lasts 0 s');
  let width = Number(video[1]);
  let height = Number(video[2]);
  // Phone clips store landscape pixels with a rotation; ffmpeg turns them upright on decode.
  const rotation = /rotation of (-?\d+(?:\.\d+)?) degrees/.exec(stderr);
  if (rotation && Math.abs(Number(rotation[1])) % 180 === 90) [width, height] = [height, width];
  const fps = /(\d+(?:\.\d+)?) fps/.exec(video[3]!);
  return { duration, width, height, fps: fps ? Number(fps[1]) : undefined, hasAudio: /Stream #\d+:\d+\S*: Audio:/.test(stderr) };
}
