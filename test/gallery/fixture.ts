// A fabricated project on disk: source references (file and dir), a generated reference, a style
// frame, shots in every status, and segments; records written as the engine would.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { putBlob, putKeyRecord } from '../../src/engine/store/content-cache.js';
import type { Failure } from '../../src/engine/store/failures.js';
import type { NodeStatus } from '../../src/engine/plan-types.js';
import type { NodeRecord, OutputFile } from '../../src/engine/record-types.js';
import type { ImageNode, ProjectNode, ResolvedProject, SegmentNode } from '../../src/project/types.js';
import { makeImage } from '../support/images.js';
import { writeFiles } from '../support/project.js';

export interface Fixture {
  project: ResolvedProject;
  records: Map<string, NodeRecord>;
  status: Map<string, { status: NodeStatus; reasons: string[] }>;
  failures: Map<string, Failure>;
}

export const TRICKY_PROMPT = 'Close-up <b>bold</b> & "quoted" <script>alert(1)</script> hero';


function image(name: string, kind: ImageNode['kind'], extra: Partial<ImageNode> = {}): ImageNode {
  return { name, kind, vars: [], model: 'fal-ai/flux/dev', params: {}, retries: 2, fallback: [], num_images: 1, pick: 1, refs: [], ...extra };
}

function segment(name: string, keyframes: string[], extra: Partial<SegmentNode> = {}): SegmentNode {
  return {
    name,
    kind: 'segment',
    vars: [],
    model: 'draft',
    params: {},
    retries: 2,
    fallback: [],
    keyframes: keyframes.map((k) => ({ name: k })),
    position: 'first',
    ...extra,
  };
}

const ref = (name: string) => ({ name });

async function png(root: string, rel: string, hue: number, width = 320, height = 180): Promise<OutputFile> {
  return put(root, rel, await makeImage({ width, height, colour: hsl(hue) }), 'image/png', width, height);
}

async function animatedWebp(root: string, rel: string): Promise<OutputFile> {
  const bytes = await makeImage({ width: 160, height: 90, format: 'webp', frames: 4 });
  return put(root, rel, bytes, 'image/webp', 160, 90);
}

async function put(root: string, rel: string, bytes: Buffer, mediaType: string, width?: number, height?: number): Promise<OutputFile> {
  await writeFiles(root, { [rel]: bytes });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { path: rel, sha256, bytes: bytes.length, width, height, mediaType };
}

function hsl(h: number): { r: number; g: number; b: number } {
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (0.5 - 0.35 * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return { r: f(0), g: f(8), b: f(4) };
}

function record(node: ProjectNode, outputs: OutputFile[], extra: Partial<NodeRecord> = {}): NodeRecord {
  return {
    aivp: 1,
    node: node.name,
    kind: node.kind,
    key: createHash('sha256').update(node.name).digest('hex'),
    provider: node.model === 'draft' ? 'draft' : 'fal',
    model: node.model,
    prompt: node.prompt,
    params: {},
    seed: node.kind === 'segment' ? undefined : (node.seed ?? 4242),
    inputs: [],
    outputs,
    pick: node.kind === 'segment' ? 1 : node.pick,
    costUsd: node.model === 'draft' ? 0 : 0.025 * outputs.length,
    durationMs: 1200,
    createdAt: '2025-01-01T00:00:00.000Z',
    ...extra,
  };
}

/** An H.264 MP4 (what segments and the film are), made by ffmpeg: `seconds` of a moving test pattern. */
export async function makeMp4(file: string, seconds: number): Promise<Buffer> {
  await mkdir(path.dirname(file), { recursive: true });
  const args = ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=size=160x90:rate=12:duration=${seconds}`];
  await promisify(execFile)('ffmpeg', [...args, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', file]);
  return readFile(file);
}

/** The project file the fabricated project stands for (positions and the page's hash come from it). */
export const PROJECT_YAML = `aivp: 1
name: "Cliff <Dreams> & co"
references:
  mentor: { file: refs/mentor.jpg }
  places: { dir: refs/locations }
  hero:
    prompt: "Character sheet: young explorer, brown jacket"
    seed: 7
    size: square
style:
  prompt: "Cliffs over a stormy ocean, golden hour"
shots:
  scene_01:   # the opening
    prompt: 'Close-up <b>bold</b> & "quoted" <script>alert(1)</script> hero'
    num_images: 3
    pick: 2
    seed: 1001
    refs: [hero, style, places/beach]
  scene_02: { prompt: "She turns to face the camera", input: scene_01, refs: [mentor] }
  scene_03: { prompt: "Wide shot of the lighthouse at dusk", refs: [style] }
  scene_04: { prompt: "Storm breaks over the harbour", model: gemini-2.5-flash-image, fallback: [fal-ai/flux/schnell] }
  scene_05: { prompt: "Final shot, the explorer walks away", input: scene_04 }
segments:
  seg_01: { keyframes: [scene_01, scene_02], prompt: "Slow push in, wind in her hair", duration: 5, model: draft }
  seg_02: { keyframes: [scene_02, scene_03], prompt: "Pan across the bay", duration: 3 }
`;

/** `clip`: a second segment with a browser-playable video, and the film cut from both. */
export async function makeFixture(root: string, clip?: { bytes: Buffer; ext: string; mediaType: string }): Promise<Fixture> {
  await writeFiles(root, { 'aivp.project.yaml': PROJECT_YAML });
  await png(root, 'refs/mentor.jpg', 20, 200, 260);
  await png(root, 'refs/locations/beach.png', 200);
  await png(root, 'refs/locations/forest.png', 120);
  await png(root, 'refs/locations/city.png', 280);

  const mentor = image('mentor', 'reference', { file: 'refs/mentor.jpg', model: 'source' });
  const places = image('places', 'reference', {
    dir: 'refs/locations',
    dirFiles: ['refs/locations/beach.png', 'refs/locations/city.png', 'refs/locations/forest.png'],
    model: 'source',
  });
  const hero = image('hero', 'reference', { prompt: 'Character sheet: young explorer, brown jacket', seed: 7, size: 'square' });
  const style = image('style', 'style', { prompt: 'Cliffs over a stormy ocean, golden hour' });
  const s1 = image('scene_01', 'shot', {
    prompt: TRICKY_PROMPT,
    num_images: 3,
    pick: 2,
    seed: 1001,
    refs: [ref('hero'), ref('style'), ref('places/beach')],
  });
  const s2 = image('scene_02', 'shot', { prompt: 'She turns to face the camera', input: ref('scene_01'), refs: [ref('mentor')] });
  const s3 = image('scene_03', 'shot', { prompt: 'Wide shot of the lighthouse at dusk', refs: [ref('style')] });
  const s4 = image('scene_04', 'shot', { prompt: 'Storm breaks over the harbour', model: 'gemini-2.5-flash-image', fallback: ['fal-ai/flux/schnell'] });
  const s5 = image('scene_05', 'shot', { prompt: 'Final shot, the explorer walks away', input: ref('scene_04') });
  const seg1 = segment('seg_01', ['scene_01', 'scene_02'], { prompt: 'Slow push in, wind in her hair', duration: 5 });
  const seg2 = clip ? [segment('seg_02', ['scene_02', 'scene_03'], { prompt: 'Pan across the bay', duration: 3, model: 'fal-ai/kling-video/v2.1/master/image-to-video' })] : [];

  const records = new Map<string, NodeRecord>();
  records.set('hero', record(hero, [await png(root, 'references/hero.png', 30, 256, 256)]));
  records.set('style', record(style, [await png(root, 'references/style_frame.png', 210, 384, 216)]));
  records.set(
    'scene_01',
    record(s1, [
      await png(root, 'keyframes/scene_01_1.png', 0),
      await png(root, 'keyframes/scene_01_2.png', 60),
      await png(root, 'keyframes/scene_01_3.png', 240),
    ]),
  );
  records.set('scene_02', record(s2, [await png(root, 'keyframes/scene_02.png', 150)], { prompt: 'She looks at the sea' }));
  // Two earlier generations of scene_02 in the content cache, as earlier builds left them.
  for (const [i, prompt] of ['She stands still', 'She looks back'].entries()) {
    const bytes = await makeImage({ width: 320, height: 180, colour: hsl(100 + 40 * i) });
    const sha256 = await putBlob(root, bytes);
    const out: OutputFile = { path: 'keyframes/scene_02.png', sha256, bytes: bytes.length, width: 320, height: 180, mediaType: 'image/png' };
    const old = record(s2, [out], { prompt, seedRequested: 11 + i, seed: 11 + i, createdAt: `2024-12-0${i + 1}T10:00:00.000Z` });
    await putKeyRecord(root, { ...old, key: createHash('sha256').update(`scene_02 ${prompt}`).digest('hex') });
  }
  records.set('scene_03', record(s3, [await png(root, 'keyframes/scene_03.png', 320)]));
  await png(root, 'keyframes/scene_03.png', 330); // hand-edited after the build
  records.set('seg_01', record(seg1, [await animatedWebp(root, 'segments/seg_01.webp')]));
  if (clip) {
    const out = await put(root, `segments/seg_02.${clip.ext}`, clip.bytes, clip.mediaType);
    records.set('seg_02', record(seg2[0]!, [out], { costUsd: 1.4 }));
    const film = await put(root, 'film/cliff-dreams.mp4', await makeMp4(path.join(root, 'film/cliff-dreams.mp4'), 8), 'video/mp4');
    // The cut as the assembler records it: crossfaded, seg_02 starting half a second before seg_01 ends.
    const cut = [
      { segment: 'seg_01', startSec: 0, durationSec: 5.5 },
      { segment: 'seg_02', startSec: 5, durationSec: 3 },
    ];
    records.set('film', { ...record(seg2[0]!, [film], { costUsd: 0 }), node: 'film', kind: 'film', provider: 'local', model: 'ffmpeg', cut });
  }

  const project: ResolvedProject = {
    root,
    file: path.join(root, 'aivp.project.yaml'),
    name: 'Cliff <Dreams> & co',
    vars: {},
    providers: {},
    prices: {},
    paths: { references: 'references', keyframes: 'keyframes', segments: 'segments', metadata: 'metadata' },
    cache: {},
    nodes: [mentor, places, hero, style, s1, s2, s3, s4, s5, seg1, ...seg2],
    films: [],
    warnings: [],
  };
  const status = new Map<string, { status: NodeStatus; reasons: string[] }>([
    ['mentor', { status: 'source', reasons: [] }],
    ['places', { status: 'source', reasons: [] }],
    ['hero', { status: 'uptodate', reasons: [] }],
    ['style', { status: 'uptodate', reasons: [] }],
    ['scene_01', { status: 'uptodate', reasons: [] }],
    ['scene_02', { status: 'stale', reasons: ['prompt changed'] }],
    ['scene_03', { status: 'modified', reasons: ['output edited by hand'] }],
    ['scene_04', { status: 'new', reasons: ['new'] }],
    ['scene_05', { status: 'new', reasons: ['new'] }],
    ['seg_01', { status: 'uptodate', reasons: [] }],
  ]);
  if (clip) status.set('seg_02', { status: 'uptodate', reasons: [] });
  // The project's model is Gemini; the last attempt was its fal fallback.
  const failures = new Map([['scene_04', { error: 'fal-ai/flux/schnell: 422 <no image returned>', model: 'fal-ai/flux/schnell' }]]);
  return { project, records, status, failures };
}

/** A small draft project with takes to choose, comments and every map style `pick:` can land in. */
export const PICK_YAML = `# yaml-language-server: $schema=./schema.json
aivp: 1                         # format version
name: picks
defaults:
  image: { model: draft, size: 320x180 }

references:
  hero:                         # a character sheet
    prompt: "Character sheet"
    num_images: 4
    pick: 2   # the blue one
style: { prompt: "stormy cliffs", num_images: 2 }   # flow style
shots:
  s1:
    prompt: |
      a woman
      on a cliff
    num_images: 3
  s2: { prompt: "she turns", input: s1 }
`;
