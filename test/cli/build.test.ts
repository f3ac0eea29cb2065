import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeImage } from '../support/images.js';
import { tempProject } from '../support/project.js';
import { events, REPO, runCli, startCli } from './helpers.js';

const DRAFT_PROJECT = `aivp: 1
name: crash
vars: { look: "35mm film" }
defaults:
  image: { model: fal-ai/flux/dev, size: 320x240 }
  video: { model: fal-ai/bytedance/seedance/v1/pro/image-to-video, duration: 2 }
  chain: true
references:
  mentor: { file: refs/mentor.png }
  hero: { prompt: "hero, \${look}", num_images: 2 }
style:
  prompt: "style, \${look}"
shots:
${Array.from({ length: 10 }, (_, i) => `  s${i}: { prompt: "shot ${i}, \${look}", refs: [hero, mentor, style] }`).join('\n')}
segments:
  seg_a: { keyframes: [s0, s1] }
  seg_b: { keyframes: [s8, s9] }
`;

async function draftProject(): Promise<string> {
  return tempProject(DRAFT_PROJECT, {
    'unrelated.json': await readFile(join(REPO, 'package.json')),
    'refs/mentor.png': await makeImage({ seed: 'mentor', width: 200, height: 200 }),
  });
}

/** Every record is whole JSON and every output it lists exists with the recorded hash. */
async function checkRecords(dir: string): Promise<string[]> {
  const names = existsSync(join(dir, 'metadata')) ? await readdir(join(dir, 'metadata')) : [];
  const recorded: string[] = [];
  for (const name of names.filter((n) => n.endsWith('.json') && !n.startsWith('.'))) {
    const rec = JSON.parse(await readFile(join(dir, 'metadata', name), 'utf8'));
    for (const o of rec.outputs) {
      const bytes = await readFile(join(dir, o.path));
      expect(createHash('sha256').update(bytes).digest('hex'), `${o.path} matches its record`).toBe(o.sha256);
    }
    recorded.push(rec.node);
  }
  return recorded.sort();
}

describe('aivp build --draft (built binary)', () => {
  it('builds a project offline with no key, and a second run does nothing', async () => {
    const dir = await draftProject();
    const first = await runCli(['-C', dir, 'build', '--draft', '--json']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const done = events(first.stdout).find((e) => e.type === 'build:done');
    expect(done.summary).toMatchObject({ built: 14, failed: 0, spentUsd: 0 });
    expect(await checkRecords(dir)).toHaveLength(14);
    expect(await readdir(join(dir, 'references'))).toEqual(['hero_1.png', 'hero_2.png', 'style_frame.png']);
    expect((await readdir(join(dir, 'segments'))).sort()).toEqual(['seg_a.mp4', 'seg_b.mp4']);

    const second = await runCli(['-C', dir, 'build', '--draft', '--json']);
    expect(second.code).toBe(0);
    expect(events(second.stdout).find((e) => e.type === 'build:done').summary).toMatchObject({ built: 0, cached: 0, uptodate: 14 });

    const plan = await runCli(['-C', dir, 'plan', '--draft', '--json']);
    expect(JSON.parse(plan.stdout).entries.filter((e: any) => e.status !== 'source').every((e: any) => e.status === 'uptodate')).toBe(true);
  });

  it('refuses a real build without a key before anything is written', async () => {
    const dir = await draftProject();
    const r = await runCli(['-C', dir, 'build']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('FAL_KEY');
    expect(existsSync(join(dir, 'metadata'))).toBe(false);
    expect(existsSync(join(dir, 'keyframes'))).toBe(false);
  });

  it('refuses a build over budget with exit 2 and spends nothing', async () => {
    const dir = await draftProject();
    const r = await runCli(['-C', dir, 'build', '--budget', '0.01'], { env: { ...process.env, FAL_KEY: 'test-key-not-real' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/exceeds the budget of \$0\.01/);
    expect(r.stderr).not.toContain('test-key-not-real');
    expect(existsSync(join(dir, 'metadata'))).toBe(false);
  });

  it('survives SIGKILL at random moments: records stay whole and the rebuild repays only unrecorded nodes', async () => {
    const dir = await draftProject();
    for (let trial = 0; trial < 6; trial++) {
      const { child, done } = startCli(['-C', dir, 'build', '--draft', '--json']);
      // Kill once the build is under way: after a random number of finished nodes.
      const after = 1 + Math.floor(Math.random() * 4);
      let seen = 0;
      child.stdout!.on('data', (d: Buffer) => {
        seen += (String(d).match(/"node:done"/g) ?? []).length;
        if (seen >= after) child.kill('SIGKILL');
      });
      const r = await done;
      const recorded = await checkRecords(dir);
      if (r.signal !== 'SIGKILL') {
        expect(r.code).toBe(0);
        break;
      }
      const next = await runCli(['-C', dir, 'plan', '--draft', '--json']);
      const plan = JSON.parse(next.stdout);
      for (const name of recorded) {
        expect(plan.entries.find((e: any) => e.node === name).status, `${name} recorded before the kill`).toBe('uptodate');
      }
    }
    const before = await checkRecords(dir);
    const final = await runCli(['-C', dir, 'build', '--draft', '--json']);
    expect(final.code).toBe(0);
    const built = events(final.stdout).filter((e) => e.type === 'node:done' && e.outcome === 'built').map((e) => e.node);
    for (const b of built) expect(before).not.toContain(b);
    expect(await checkRecords(dir)).toHaveLength(14);
    const leftovers = (await readdir(join(dir, 'keyframes'))).filter((f) => f.endsWith('.tmp'));
    expect(leftovers).toEqual([]);
    // Seven draft builds, with MP4 segments encoded by ffmpeg: slow on a loaded machine.
  }, 120_000);
});

describe('the terminal display', () => {
  const haveScript = existsSync('/usr/bin/script');
  it.skipIf(!haveScript)('a terminal that reports no width (0 columns) gets whole lines, not one character per line', async () => {
    const dir = await tempProject('aivp: 1\nshots:\n  s1: { prompt: "a harbour", model: fal-ai/flux/dev, size: 320x240, seed: 1 }\n');
    // `script` with no terminal of its own gives the child a pty of 0 x 0.
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.CI;
    const r = spawnSync('/usr/bin/script', ['-qfc', `node ${join(REPO, 'dist/cli/main.js')} -C ${dir} build --draft`, '/dev/null'], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    expect(lines.filter((l) => l.length === 1)).toEqual([]);
    expect(r.stdout).toMatch(/s1 .*keyframes\/s1\.png/);
  });
});
