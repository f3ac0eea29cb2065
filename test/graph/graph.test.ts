import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/graph/build.js';
import { formatGraph } from '../../src/graph/format.js';
import { computeKey } from '../../src/graph/keys.js';
import { selectTargets } from '../../src/graph/targets.js';
import type { GraphNode } from '../../src/graph/types.js';
import { UsageError } from '../../src/base/errors.js';
import { loadProject } from '../../src/project/load.js';
import { makeImage } from '../support/images.js';
import { tempProject } from '../support/project.js';

const YAML = `aivp: 1
vars: { look: "film", mood: "calm" }
defaults:
  image: { model: fal-ai/flux/dev }
references:
  hero: { prompt: "hero \${look}", num_images: 2, pick: 2 }
  places: { dir: refs/places }
  mentor: { file: refs/mentor.png }
style:
  prompt: "style \${mood}"
shots:
  s1: { prompt: "one \${look}", refs: [hero, places/beach, mentor], seed: 5 }
  s2: { prompt: "two", input: s1, refs: [places] }
  s2b: { prompt: "two b", input: s2, model: fal-ai/flux/dev/image-to-image }
segments:
  seg: { keyframes: [s1, s2], model: fal-ai/veo3.1/image-to-video, position: last }
  seg2: { keyframes: [s1, s2], model: fal-ai/kling-video/v2.5-turbo/pro/image-to-video }
`;

async function graphOf(yaml: string, draft = false) {
  const dir = await tempProject(yaml, {
    'refs/places/beach.png': await makeImage({ seed: 'beach' }),
    'refs/places/cliff.jpg': await makeImage({ seed: 'cliff' }),
    'refs/mentor.png': await makeImage({ seed: 'mentor' }),
  });
  return buildGraph(await loadProject(dir), { draft });
}

const key = (n: GraphNode, inputs = n.inputs.map((e) => ({ role: e.role, sha256: 'a'.repeat(64) }))) => computeKey(n, inputs);

describe('graph', () => {
  it('types nodes, wires edges from refs, input, mask and keyframes, and orders them topologically', async () => {
    const g = await graphOf(YAML);
    expect(g.order).toEqual(['hero', 'places', 'mentor', 'style', 's1', 's2', 's2b', 'seg', 'seg2']);
    const s1 = g.nodes.get('s1')!;
    expect(s1.inputs).toEqual([
      { role: 'ref', node: 'hero', label: 'hero' },
      { role: 'ref', node: 'places', label: 'places/beach', file: 'refs/places/beach.png' },
      { role: 'ref', node: 'mentor', label: 'mentor', file: 'refs/mentor.png' },
    ]);
    expect(s1.deps).toEqual(['hero', 'places', 'mentor']);
    expect(g.nodes.get('s2')!.inputs.map((e) => e.label)).toEqual(['s1', 'places/beach', 'places/cliff']);
    expect(g.nodes.get('places')!).toMatchObject({ source: true, sourceFiles: ['refs/places/beach.png', 'refs/places/cliff.jpg'] });
    expect(g.nodes.get('hero')!.outputs).toEqual(['references/hero_1', 'references/hero_2']);
    expect(g.nodes.get('style')!.outputs).toEqual(['references/style_frame']);
    expect(g.nodes.get('seg')!.outputs).toEqual(['segments/seg']);
    expect(g.dependents.get('s1')).toEqual(['s2', 'seg2']);
  });

  it('gives a single-keyframe video model only the keyframe chosen by position', async () => {
    const g = await graphOf(YAML);
    expect(g.nodes.get('seg')!.inputs.map((e) => e.node)).toEqual(['s2']);
    expect(g.nodes.get('seg2')!.inputs.map((e) => e.node)).toEqual(['s1', 's2']);
    expect(g.nodes.get('seg')!.provider).toBe('fal');
  });

  it('routes every generated node to draft under --draft', async () => {
    const g = await graphOf(YAML, true);
    for (const n of g.nodes.values()) if (!n.source) expect([n.provider, n.model]).toEqual(['draft', 'draft']);
    // The draft shows what the real model gets: Veo 3.0 takes one keyframe, the one `position` picks.
    expect(g.nodes.get('seg')!.inputs.map((e) => e.node)).toEqual(['s2']);
    expect(g.nodes.get('seg2')!.inputs.map((e) => e.node)).toEqual(['s1', 's2']);
  });

  it('selects targets by name or glob with their dependencies', async () => {
    const g = await graphOf(YAML);
    expect([...selectTargets(g, ['s2'])].sort()).toEqual(['hero', 'mentor', 'places', 's1', 's2']);
    expect([...selectTargets(g, ['seg*'])].sort()).toEqual(['hero', 'mentor', 'places', 's1', 's2', 'seg', 'seg2']);
    expect([...selectTargets(g, ['s2'], { withDeps: false })]).toEqual(['s2']);
    expect(selectTargets(g, []).size).toBe(9);
    expect(() => selectTargets(g, ['nope'])).toThrow(UsageError);
    expect(() => selectTargets(g, ['heroo'])).toThrow('no node matches target `heroo`: did you mean `hero`?');
  });

  it('prints mermaid, dot and json', async () => {
    const g = await graphOf(YAML);
    expect(formatGraph(g, 'mermaid')).toContain('s1 -->|input| s2');
    // The style node is named for its kind: its label says so once.
    expect(formatGraph(g, 'mermaid')).toContain('style("style")');
    expect(formatGraph(g, 'mermaid')).toContain('s1("s1<br/>shot")');
    expect(formatGraph(g, 'dot')).toContain('"style" [label="style",');
    expect(formatGraph(g, 'dot')).toContain('"s1" -> "s2" [label="input"];');
    const json = JSON.parse(formatGraph(g, 'json'));
    expect(json.nodes).toHaveLength(9);
    expect(json.edges).toContainEqual({ from: 'places', to: 's2', role: 'ref' });
  });
});

describe('node keys', () => {
  it('ignore names and output paths: renaming a shot keeps its key', async () => {
    const a = await graphOf(YAML);
    const b = await graphOf(YAML.replace('  s2b:', '  renamed:').replace('s2b', 'renamed'));
    expect(key(a.nodes.get('s2b')!)).toBe(key(b.nodes.get('renamed')!));
    const c = await graphOf(YAML.replace('s2b: { prompt: "two b",', 's2b: { prompt: "two b", output: elsewhere/x,'));
    expect(key(c.nodes.get('s2b')!)).toBe(key(a.nodes.get('s2b')!));
  });

  it('change with prompt, seed, model, size, num_images, params and each input hash, and nothing else', async () => {
    const base = await graphOf(YAML);
    const s1 = base.nodes.get('s1')!;
    const k = key(s1);
    const variants = [
      YAML.replace('one ${look}', 'one more ${look}'),
      YAML.replace('seed: 5', 'seed: 6'),
      YAML.replace('s1: { prompt', 's1: { model: fal-ai/flux/schnell, prompt'),
      YAML.replace('s1: { prompt', 's1: { size: square, prompt'),
      YAML.replace('s1: { prompt', 's1: { num_images: 2, prompt'),
      YAML.replace('s1: { prompt', 's1: { params: { guidance_scale: 2 }, prompt'),
    ];
    for (const v of variants) expect(key((await graphOf(v)).nodes.get('s1')!)).not.toBe(k);
    const inputs = s1.inputs.map((e, i) => ({ role: e.role, sha256: String(i).repeat(64) }));
    const changed = inputs.map((inp, i) => (i === 1 ? { ...inp, sha256: 'b'.repeat(64) } : inp));
    expect(computeKey(s1, changed)).not.toBe(computeKey(s1, inputs));
    expect(computeKey(s1, [...inputs].reverse())).not.toBe(computeKey(s1, inputs));
    // Retries, timeout, fallback and pick do not change what is generated.
    const same = YAML.replace('s1: { prompt', 's1: { retries: 5, timeout: 60, fallback: [fal-ai/flux/schnell], prompt');
    expect(key((await graphOf(same)).nodes.get('s1')!)).toBe(k);
  });

  it('editing a ${var} changes exactly the keys of the nodes that use it', async () => {
    const a = await graphOf(YAML);
    const b = await graphOf(YAML.replace('look: "film"', 'look: "video"'));
    const changed = a.order.filter((n) => !a.nodes.get(n)!.source && key(a.nodes.get(n)!) !== key(b.nodes.get(n)!));
    expect(changed).toEqual(['hero', 's1']);
  });

  it('switching to --draft changes the key, so draft and real outputs are cached apart', async () => {
    const a = await graphOf(YAML);
    const b = await graphOf(YAML, true);
    expect(key(a.nodes.get('s1')!)).not.toBe(key(b.nodes.get('s1')!));
  });
});
