// Raw RGB frames -> H.264 MP4, for draft clips: ffmpeg reads the frames on stdin and writes a
// temporary file (faststart needs a seekable output), which is read back and removed.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ffmpegError, runFfmpeg } from './ffmpeg-run.js';

export interface FrameFormat {
  width: number;
  height: number;
  fps: number;
}

/** `ultrafast` keeps a 5 s draft clip well under a second to encode; drafts are previews. */
const DRAFT_CODEC = ['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '26', '-pix_fmt', 'yuv420p'];
const SILENT_AUDIO = ['-c:a', 'aac', '-b:a', '32k', '-ar', '48000', '-ac', '2'];

export async function encodeFrames(ffmpeg: string, format: FrameFormat, frames: AsyncIterable<Buffer>, signal?: AbortSignal): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'aivp-draft-'));
  try {
    const out = join(dir, 'clip.mp4');
    const args = [
      '-hide_banner', '-nostdin', '-v', 'error', '-y',
      '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${format.width}x${format.height}`, '-r', String(format.fps), '-i', 'pipe:0',
      // Silent sound, as every clip of a film has: draft films then join with `-c copy`.
      '-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=stereo', '-shortest',
      ...DRAFT_CODEC, ...SILENT_AUDIO, '-movflags', '+faststart', '-f', 'mp4', out,
    ];
    const run = await runFfmpeg(ffmpeg, args, { signal, stdin: Readable.from(frames) });
    if (run.code !== 0) throw new Error(`ffmpeg could not encode the draft clip: ${ffmpegError(run.stderr)}`);
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
