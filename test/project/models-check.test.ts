import { afterEach, describe, expect, it } from 'vitest';
import { loadProject } from '../../src/project/load.js';
import { removeDir, tempProject } from './helpers.js';

let dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.map(removeDir));
  dirs = [];
});
async function warningsOf(yaml: string) {
  const dir = await tempProject(yaml);
  dirs.push(dir);
  return (await loadProject(dir)).warnings.map((w) => [w.line, w.col, w.message]);
}

describe('model checks', () => {
  it('warns at the field when a segment asks for a duration its model is not known to offer, also through defaults', async () => {
    const shots = 'shots:\n  a: { prompt: "x", model: fal-ai/flux/dev }\n  b: { prompt: "y", model: fal-ai/flux/dev }\n';
    expect(await warningsOf(`aivp: 1\n${shots}segments:\n  c: { keyframes: [a, b], model: fal-ai/kling-video/v2.1/master/image-to-video, duration: 7 }\n`)).toEqual([
      [6, 91, '`duration` 7 s is not one `fal-ai/kling-video/v2.1/master/image-to-video` is known to offer (5, 10 s): the provider may refuse it'],
    ]);
    const viaDefaults = `aivp: 1\ndefaults:\n  video: { duration: 5 }\n${shots}segments:\n  c: { keyframes: [a], model: veo-3.0-generate-001 }\n`;
    expect((await warningsOf(viaDefaults))[0]).toEqual([3, 22, expect.stringContaining('`duration` 5 s is not one `veo-3.0-generate-001`')]);
    expect(await warningsOf(`aivp: 1\n${shots}segments:\n  c: { keyframes: [a, b], model: fal-ai/kling-video/v2.1/master/image-to-video, duration: 10 }\n`)).toEqual([]);
  });

  it('warns when a node gives images to a model that would never see them', async () => {
    const w = await warningsOf('aivp: 1\nreferences:\n  r: { prompt: "r", model: fal-ai/flux/dev }\nshots:\n  s: { prompt: "s", refs: [r], model: fal-ai/flux/schnell }\n');
    expect(w).toEqual([[5, 6, expect.stringContaining('model `fal-ai/flux/schnell` takes no input or reference images')]]);
    expect(await warningsOf('aivp: 1\nreferences:\n  r: { prompt: "r", model: fal-ai/flux/dev }\nshots:\n  s: { prompt: "s", refs: [r], model: fal-ai/nano-banana-pro }\n')).toEqual([]);
  });
});
