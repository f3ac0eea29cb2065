// Validation warnings reach the user once, at the field they concern: stderr lines in text mode,
// NDJSON events with --json. A keyframe the segment's model will not take is one of them, and
// `aivp graph` shows it as not sent.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, tempProject } from '../support/project.js';
import { cleanEnv, events, runCli } from './helpers.js';

const PROJECT = `aivp: 1
name: warn
defaults:
  image: { model: fal-ai/flux/dev, size: 320x240 }
  video: { model: fal-ai/veo3.1/image-to-video, duration: 8 }
shots:
  a: { prompt: "first" }
  b: { prompt: "second" }
segments:
  one: { keyframes: [a, b] }
`;
const DROPPED = 'aivp.project.yaml:10:25: warning: keyframe `b` of `one` is not sent: `fal-ai/veo3.1/image-to-video` takes one frame (`a`, by position: first) (segments.one.keyframes[1])';

describe('warnings (built CLI)', () => {
  it('validate and plan print the dropped keyframe once, on the segment, with what to do', async () => {
    const dir = await tempProject(PROJECT);
    for (const args of [['validate'], ['plan'], ['build', '--draft']]) {
      const r = await runCli(['-C', dir, ...args], { env: cleanEnv() });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr.split('\n').filter((l) => l.includes('warning:'))).toEqual([DROPPED]);
      expect(r.stderr).toContain('hint: use a model that takes a first and a last frame');
    }
  });

  it('gallery, clean and gc send nothing: they do not repeat what a build would send', async () => {
    const dir = await tempProject(PROJECT);
    for (const args of [['gallery'], ['clean', '--yes'], ['gc', '--yes']]) {
      const r = await runCli(['-C', dir, ...args], { env: cleanEnv() });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr, args.join(' ')).not.toContain('warning:');
    }
  });

  it('--json puts each warning on stdout as one event, and nothing on stderr', async () => {
    const dir = await tempProject(PROJECT);
    const r = await runCli(['-C', dir, 'build', '--draft', '--json'], { env: cleanEnv() });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const warnings = events(r.stdout).filter((e) => e.type === 'warning');
    expect(warnings).toEqual([expect.objectContaining({ line: 10, col: 25, field: 'segments.one.keyframes[1]', message: expect.stringContaining('keyframe `b` of `one` is not sent') })]);
    const plan = JSON.parse((await runCli(['-C', dir, 'plan', '--json'], { env: cleanEnv() })).stdout);
    expect(plan.warnings).toEqual([expect.objectContaining({ field: 'segments.one.keyframes[1]' })]);
  });

  it('graph shows the keyframe that is not sent', async () => {
    const dir = await tempProject(PROJECT);
    const mermaid = (await runCli(['-C', dir, 'graph'], { env: cleanEnv() })).stdout;
    expect(mermaid).toContain('a -->|keyframe| one');
    expect(mermaid).toContain('b -.->|keyframe not sent| one');
    const json = JSON.parse((await runCli(['-C', dir, 'graph', '--format', 'json'], { env: cleanEnv() })).stdout);
    expect(json.nodes.find((n: any) => n.name === 'one').unsent).toEqual(['b']);
    expect(json.edges).toContainEqual({ from: 'b', to: 'one', role: 'keyframe', sent: false });
    const dot = (await runCli(['-C', dir, 'graph', '--format', 'dot'], { env: cleanEnv() })).stdout;
    expect(dot).toContain('"b" -> "one" [label="keyframe (not sent)", style=dashed];');
  });

  it('both templates send both keyframes of every segment, in 16:9, without a warning', async () => {
    const root = await tempDir();
    for (const t of ['short-film', 'product-ad']) {
      const dir = join(root, t);
      expect((await runCli(['init', dir, '--template', t], { env: cleanEnv() })).code).toBe(0);
      const v = await runCli(['-C', dir, 'validate'], { env: cleanEnv() });
      expect(v.stderr).toBe('');
      const g = JSON.parse((await runCli(['-C', dir, 'graph', '--format', 'json'], { env: cleanEnv() })).stdout);
      const segments = g.nodes.filter((n: any) => n.kind === 'segment');
      expect(segments.every((n: any) => n.model === 'fal-ai/kling-video/v2.5-turbo/pro/image-to-video' && !n.unsent)).toBe(true);
      expect(segments.some((n: any) => n.deps.length === 2)).toBe(true);
    }
  });
});
