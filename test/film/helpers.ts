// Film tests: projects built through the CLI, test clips made with ffmpeg, results checked with ffprobe.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { cleanEnv, events, runCli, type CliResult } from '../cli/helpers.js';

export interface Probe {
  duration: number;
  streams: Array<{ codec_type: string; codec_name: string; width?: number; height?: number; r_frame_rate?: string }>;
}

export function ffprobe(file: string): Probe {
  const out = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type,codec_name,width,height,r_frame_rate', '-of', 'json', file], { encoding: 'utf8' });
  const j = JSON.parse(out) as { format: { duration: string }; streams: Probe['streams'] };
  return { duration: Number(j.format.duration), streams: j.streams };
}

/** A test clip from ffmpeg's generators: size, fps, length, with or without a tone. */
export function makeClip(file: string, o: { size: string; fps: number; seconds: number; audio?: boolean }): void {
  const args = ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=size=${o.size}:rate=${o.fps}:duration=${o.seconds}`];
  if (o.audio) args.push('-f', 'lavfi', '-i', `sine=frequency=440:duration=${o.seconds}`, '-c:a', 'aac');
  args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', file);
  execFileSync('ffmpeg', args);
}

export function makeTone(file: string, seconds: number): void {
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=220:duration=${seconds}`, '-c:a', 'libmp3lame', file]);
}

export async function build(dir: string, args: string[] = [], env = cleanEnv()): Promise<CliResult & { outcomes: Record<string, string> }> {
  const r = await runCli(['-C', dir, 'build', '--json', ...args], { env });
  const outcomes: Record<string, string> = {};
  for (const e of events(r.stdout)) {
    if (e.type === 'node:done') outcomes[e.node] = e.outcome;
    if (e.type === 'node:failed') outcomes[e.node] = 'failed';
    if (e.type === 'node:skipped') outcomes[e.node] = 'skipped';
  }
  return { ...r, outcomes };
}

/** Every file under dir with its size, mtime and hash: what "touches nothing" compares. */
export async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (rel: string) => {
    for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        await walk(p);
      } else {
        const s = await stat(join(dir, p));
        out.set(p, `${s.size}:${s.mtimeMs}:${createHash('sha256').update(await readFile(join(dir, p))).digest('hex')}`);
      }
    }
  };
  await walk('');
  return out;
}
