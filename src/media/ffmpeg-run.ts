// Running ffmpeg: arguments in, stderr kept, the run killed on abort, and a failure turned into
// the one line of ffmpeg's output that says what went wrong.
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';

export interface FfmpegRun {
  /** Everything ffmpeg wrote to stderr. */
  stderr: string;
  code: number | null;
}

/** Runs ffmpeg to the end; `stdin`, when given, is piped in. Rejects only when ffmpeg cannot start or is aborted. */
export function runFfmpeg(ffmpeg: string, args: string[], opts: { signal?: AbortSignal; stdin?: Readable } = {}): Promise<FfmpegRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, args, { stdio: [opts.stdin ? 'pipe' : 'ignore', 'ignore', 'pipe'], signal: opts.signal });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (c: string) => {
      // The head and the tail carry the story; a long run's progress lines in between do not.
      stderr = stderr.length < 64_000 ? stderr + c : stderr.slice(0, 32_000) + stderr.slice(-32_000) + c;
    });
    if (opts.stdin && child.stdin) {
      // ffmpeg closing its input early (it failed) must not crash the writer.
      child.stdin.on('error', () => undefined);
      opts.stdin.on('error', (err) => {
        child.kill('SIGKILL');
        reject(err);
      });
      opts.stdin.pipe(child.stdin);
    }
    child.on('error', reject);
    child.on('close', (code) => resolve({ stderr, code }));
  });
}

/** The line of ffmpeg's stderr that matters: the first that reads like an error, else the last one. */
export function ffmpegError(stderr: string): string {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const telling = lines.find((l) => /error|invalid|failed|no such|not found|unknown|unable|cannot|could not/i.test(l));
  return (telling ?? lines[lines.length - 1] ?? 'ffmpeg failed without a message').slice(0, 300);
}
