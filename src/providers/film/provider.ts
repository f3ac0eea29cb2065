// The film provider: local and free. It receives the clips in order and the edit settings (the
// engine keeps records, the cache, atomic writes and hand-edit protection as for any node) and
// returns the assembled MP4.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Env } from '../../base/env.js';
import { ProviderError, type GenerateContext, type GenerateRequest, type GenerateResult, type Provider } from '../types.js';
import { assemblyPlan, copyPlan } from './assemble.js';
import { findFfmpeg } from '../../media/ffmpeg.js';
import { ClipError, probeClips } from '../../media/clip-probe.js';
import { ffmpegError, runFfmpeg } from '../../media/ffmpeg-run.js';

export function createFilmProvider(opts: { env: Env }): Provider {
  return {
    id: 'film',
    async generate(req: GenerateRequest, ctx: GenerateContext): Promise<GenerateResult> {
      const edit = req.film;
      if (!edit || edit.clips.length === 0) throw new ProviderError('the film has no clips', { retryable: false });
      const found = findFfmpeg(opts.env);
      if ('missing' in found) throw new ProviderError(found.missing, { retryable: false });
      ctx.onProgress({ state: 'running' });
      const clips = await probeClips(found.path, edit.clips.map((c) => c.path), ctx.signal).catch((err: Error) => {
        if (ctx.signal.aborted || !(err instanceof ClipError)) throw err;
        throw new ProviderError(`clip ${edit.clips[err.index]!.name} is not a video ffmpeg can read: ${err.message}`, { retryable: false });
      });
      const dir = await mkdtemp(join(tmpdir(), 'aivp-film-'));
      try {
        const out = join(dir, 'film.mp4');
        let plan;
        try {
          const fast = copyPlan(edit, clips, join(dir, 'clips.txt'), out);
          if (fast) await writeFile(join(dir, 'clips.txt'), fast.list);
          plan = fast ?? assemblyPlan(edit, clips, out);
        } catch (err) {
          throw new ProviderError((err as Error).message, { retryable: false });
        }
        const run = await runFfmpeg(found.path, plan.args, { signal: ctx.signal });
        if (run.code !== 0) {
          // Blob paths mean nothing to the user: name the clips instead.
          let line = ffmpegError(run.stderr);
          for (const c of edit.clips) line = line.split(c.path).join(c.name);
          throw new ProviderError(`ffmpeg could not assemble the film: ${line}`, { retryable: false });
        }
        return { files: [{ bytes: await readFile(out) }], costUsd: 0, cut: plan.cut };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
