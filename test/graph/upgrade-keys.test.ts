// Upgrading aivp never makes a built node stale: the duration and `generate_audio` aivp now sends
// where a project states none enter no key, so these keys are the ones the previous release made.
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/graph/build.js';
import { computeKey } from '../../src/graph/keys.js';
import { parseProject } from '../../src/project/load.js';

const YAML = `aivp: 1
shots:
  a: { prompt: "a", model: fal-ai/flux/dev, seed: 1 }
  b: { prompt: "b", model: fal-ai/flux/dev, seed: 2 }
segments:
  kling26: { keyframes: [a, b], prompt: "p", model: fal-ai/kling-video/v2.6/pro/image-to-video }
  klingv3: { keyframes: [a], prompt: "p", model: fal-ai/kling-video/v3/pro/image-to-video, aspect_ratio: "16:9" }
  veo: { keyframes: [a], prompt: "p", model: fal-ai/veo3.1/image-to-video, aspect_ratio: "4:3" }
  hailuo: { keyframes: [a, b], prompt: "p", model: fal-ai/minimax/hailuo-02/pro/image-to-video, duration: 6 }
`;

// Made by the release before fal's catalogue (main at 629982f).
const PREVIOUS: Record<string, string> = {
  kling26: 'a85681bcec2a4621081b136e6b38ecedfe5629ae67da7c33b25d9d3bdbf21e41',
  klingv3: '5dd310985a980706fdd28f16d75b15339f023ed76f4d92a61d6c3c08566362f5',
  veo: '5d321d99f2735ebe1b48b827bb710fbeb97bfe1c9d75322b50a963d7eb9a7de8',
  hailuo: 'caa02d681aa0cdc3c1f3554c1ba0423a072554adef9ceaf9bf91a7c7824de72f',
};

describe('node keys across the upgrade', () => {
  it('are unchanged for segments that state no duration or sound', async () => {
    const g = buildGraph(await parseProject('/nonexistent/aivp-upgrade', YAML), { draft: false });
    const keys = Object.fromEntries(Object.keys(PREVIOUS).map((n) => [n, computeKey(g.nodes.get(n)!, [{ role: 'keyframe', sha256: 'a'.repeat(64) }])]));
    expect(keys).toEqual(PREVIOUS);
  });

  it('change when a segment asks for sound, and not when it says `audio: false` (what is sent unasked)', async () => {
    const keyOf = async (audio: string) => {
      const yaml = YAML.replace('model: fal-ai/veo3.1/image-to-video, aspect_ratio: "4:3" }', `model: fal-ai/veo3.1/image-to-video, aspect_ratio: "4:3"${audio} }`);
      const g = buildGraph(await parseProject('/nonexistent/aivp-upgrade', yaml), { draft: false });
      return computeKey(g.nodes.get('veo')!, [{ role: 'keyframe', sha256: 'a'.repeat(64) }]);
    };
    expect(await keyOf(', audio: false')).toBe(PREVIOUS.veo);
    expect(await keyOf(', audio: true')).not.toBe(PREVIOUS.veo);
  });
});
