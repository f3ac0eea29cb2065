// kill -9 at random moments of a real build against the fake fal: after every kill each record is
// whole JSON whose outputs exist with the recorded sha256, no recorded node is ever paid for
// again, and a final build pays only for what was not recorded.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { events, runCli, startCli } from '../cli/helpers.js';
import { startFakeFal } from '../fakes/fal-server.js';
import { checkRecords, FAKE_MP4, fakeEnv } from '../integration/helpers.js';
import { makeImage } from '../support/images.js';
import { readJson, tempProject } from '../support/project.js';
import { until } from '../support/wait.js';

const PROJECT = `aivp: 1
vars: { v: "1" }
defaults:
  image: { model: fal-ai/nano-banana-pro/edit, size: landscape }
  video: { model: fal-ai/kling-video/v2.5-turbo/pro/image-to-video, duration: 5 }
  chain: true
references:
  hero: { prompt: "hero v\${v}", model: fal-ai/flux/dev, size: 64x64, num_images: 2 }
  mentor: { file: refs/mentor.png }
style: { prompt: "style v\${v}", model: fal-ai/flux/dev, size: 64x64 }
shots:
${Array.from({ length: 6 }, (_, i) => `  s${i}: { prompt: "shot ${i} v\${v}", refs: [hero, mentor, style] }`).join('\n')}
segments:
  seg_a: { keyframes: [s0, s1], prompt: "seg a v\${v}" }
  seg_b: { keyframes: [s4, s5], prompt: "seg b v\${v}" }
`;
const NODES = 10;

async function recordedPrompts(dir: string, names: string[]): Promise<Set<string>> {
  const prompts = await Promise.all(names.map(async (n) => (await readJson(join(dir, 'metadata', `${n}.json`))).prompt as string));
  return new Set(prompts);
}

describe('SIGKILL trials against the fake fal', () => {
  it('at least 10 kills at random moments: records whole, nothing recorded is paid twice', { timeout: 180_000 }, async () => {
    const fal = await startFakeFal({ runSteps: 2, jobMs: 120, latencyMs: 2, videoBytes: FAKE_MP4 });
    try {
      const dir = await tempProject(PROJECT, { 'refs/mentor.png': await makeImage({ seed: 'mentor', width: 80, height: 60 }) });
      const env = fakeEnv(fal);
      let kills = 0;
      let version = 1;
      for (let trial = 0; kills < 10 && trial < 40; trial++) {
        const before = await recordedPrompts(dir, await checkRecords(dir));
        const submitted = fal.submits().length;
        fal.requests.length = 0;
        const { child, done } = startCli(['-C', dir, 'build', '--json'], { env });
        await until(() => fal.requests.length > 0 || child.exitCode !== null, 'the build to reach fal', 20_000);
        const delay = Math.floor(Math.random() * 1000);
        const timer = setTimeout(() => child.kill('SIGKILL'), delay);
        const r = await done;
        clearTimeout(timer);

        const recorded = await checkRecords(dir);
        const paid = fal.submits().slice(submitted).map((s) => s.input.prompt as string);
        for (const p of paid) expect(before.has(p), `"${p}" was recorded before trial ${trial} and paid again`).toBe(false);

        if (r.signal === 'SIGKILL') {
          kills++;
        } else {
          expect(r.code, r.stderr).toBe(0);
          expect(recorded).toHaveLength(NODES);
          // Everything is built: edit the shared var so the next trial has work to kill.
          const file = join(dir, 'aivp.project.yaml');
          await writeFile(file, (await readFile(file, 'utf8')).replace(`v: "${version}"`, `v: "${version + 1}"`));
          version++;
        }
      }
      expect(kills).toBeGreaterThanOrEqual(10);

      const before = await recordedPrompts(dir, await checkRecords(dir));
      const current = [...before].filter((p) => p.endsWith(` v${version}`)).length;
      const submitted = fal.submits().length;
      const final = await runCli(['-C', dir, 'build', '--json'], { env });
      expect(final.code, final.stderr).toBe(0);
      const paid = fal.submits().slice(submitted).map((s) => s.input.prompt as string);
      for (const p of paid) expect(before.has(p)).toBe(false);
      // Only nodes without a record of the current version are paid for (re-attached ones not even those).
      expect(paid.length).toBeLessThanOrEqual(NODES - current);
      expect(events(final.stdout).find((e) => e.type === 'build:done').summary.failed).toBe(0);
      expect(await checkRecords(dir)).toHaveLength(NODES);
      const plan = JSON.parse((await runCli(['-C', dir, 'plan', '--json'], { env })).stdout);
      expect(plan.entries.filter((e: any) => e.status !== 'source' && e.status !== 'uptodate')).toEqual([]);
    } finally {
      await fal.close();
    }
  });
});
