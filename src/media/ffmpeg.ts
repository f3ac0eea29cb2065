// Finding ffmpeg (SPEC section 7): FFMPEG_PATH, else the optional dependency ffmpeg-static (its
// binary is downloaded at install and may be missing: offline, or install scripts blocked), else
// `ffmpeg` on PATH. Keyframe-only projects never ask.
import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import type { Env } from '../base/env.js';

export interface FfmpegFound {
  path: string;
  via: 'FFMPEG_PATH' | 'ffmpeg-static' | 'PATH';
}

/** The ffmpeg to run, or why none was found (a message with the platform's install command). */
export function findFfmpeg(env: Env): FfmpegFound | { missing: string } {
  const given = env.FFMPEG_PATH?.trim();
  if (given) {
    if (isExecutable(given)) return { path: given, via: 'FFMPEG_PATH' };
    return { missing: `FFMPEG_PATH is ${given}, which is not an executable file: fix it, or unset it to use ffmpeg from PATH (${installHint(env)})` };
  }
  const bundled = ffmpegStatic();
  if (bundled && isExecutable(bundled)) return { path: bundled, via: 'ffmpeg-static' };
  const exe = process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg';
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, exe))) return { path: join(dir, exe), via: 'PATH' };
  }
  return {
    missing: `ffmpeg is needed to render draft clips and assemble the film, and none was found (FFMPEG_PATH, the ffmpeg-static package, PATH): ${installHint(env)}`,
  };
}

/** The one-line install command for this platform. */
export function installHint(env: Env): string {
  if (process.platform === 'darwin') return 'install it with `brew install ffmpeg`, or set FFMPEG_PATH';
  if (process.platform === 'win32') return 'install it with `winget install ffmpeg`, or set FFMPEG_PATH';
  const managers: Array<[string, string]> = [
    ['apt-get', 'sudo apt-get install ffmpeg'],
    ['dnf', 'sudo dnf install ffmpeg'],
    ['pacman', 'sudo pacman -S ffmpeg'],
    ['apk', 'sudo apk add ffmpeg'],
  ];
  const dirs = [...(env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin', '/bin', '/sbin'];
  const found = managers.find(([bin]) => dirs.some((d) => d && isExecutable(join(d, bin))));
  return `install it with \`${(found ?? managers[0])[1]}\`, or set FFMPEG_PATH`;
}

/** ffmpeg-static's binary path (null where it has no build for the platform), or undefined when not installed. */
function ffmpegStatic(): string | undefined {
  try {
    return (createRequire(import.meta.url)('ffmpeg-static') as string | null) ?? undefined;
  } catch {
    return undefined;
  }
}

function isExecutable(p: string): boolean {
  try {
    if (!statSync(p).isFile()) return false;
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
