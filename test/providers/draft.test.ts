import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { probeMedia } from '../../src/media/probe.js';
import { createDraftProvider } from '../../src/providers/draft/provider.js';
import { lookupModel } from '../../src/providers/models.js';
import type { GenerateContext, GenerateRequest, GenerateResult, InputImage } from '../../src/providers/types.js';
import { tempDir } from '../support/project.js';

let dir: string;
let hero: InputImage;
let scene: InputImage;
let mask: InputImage;

/** A gradient in one hue: smooth, so encoders stay fast, and distinct per image. */
async function image(name: string, width: number, height: number, hue: number): Promise<InputImage> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="g"><stop offset="0" stop-color="hsl(${hue},80%,30%)"/><stop offset="1" stop-color="hsl(${hue},80%,60%)"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/><circle cx="40%" cy="50%" r="20%" fill="#fff"/></svg>`;
  const bytes = await sharp(Buffer.from(svg)).png().toBuffer();
  const path = join(dir, `${name}.png`);
  await writeFile(path, bytes);
  return { name, path, sha256: createHash('sha256').update(bytes).digest('hex'), mediaType: 'image/png' };
}

function ctx(signal = new AbortController().signal): GenerateContext & { progress: string[] } {
  const progress: string[] = [];
  return { signal, progress, onProgress: (p) => progress.push(p.state), onSubmitted: async () => {} };
}

function imageReq(over: Partial<GenerateRequest> = {}): GenerateRequest {
  return {
    node: 'scene_01',
    model: lookupModel('draft', 'image')!.info,
    prompt: 'A woman in a red dress on a cliff overlooking the ocean, golden hour',
    seed: 1001,
    size: { width: 320, height: 200, aspectRatio: '16:10' },
    numImages: 1,
    refs: [],
    keyframes: [],
    params: {},
    ...over,
  };
}

function segmentReq(over: Partial<GenerateRequest> = {}): GenerateRequest {
  return { ...imageReq(), node: 'seg_01', model: lookupModel('draft', 'video')!.info, prompt: 'Slow push in', size: undefined, keyframes: [scene, hero], duration: 5, ...over };
}

beforeAll(async () => {
  dir = await tempDir();
  hero = await image('hero', 300, 400, 0);
  scene = await image('scene', 400, 300, 220);
  mask = await image('mask', 400, 300, 120);
});

describe('draft images', () => {
  it('renders a PNG of the requested size, free, reporting progress', async () => {
    const c = ctx();
    const res = await createDraftProvider().generate(imageReq(), c);
    expect(res.files).toHaveLength(1);
    expect(res).toMatchObject({ seed: 1001, costUsd: 0 });
    expect(await probeMedia(res.files[0]!.bytes)).toEqual({ mediaType: 'image/png', ext: 'png', width: 320, height: 200, kind: 'image' });
    expect(c.progress).toEqual(['running']);
  });

  it('defaults to 1024x768', async () => {
    const res = await createDraftProvider().generate(imageReq({ size: undefined }), ctx());
    expect(await probeMedia(res.files[0]!.bytes)).toMatchObject({ width: 1024, height: 768 });
  });

  it('is deterministic, also across provider instances', async () => {
    const req = imageReq({ input: scene, refs: [hero], mask });
    const a = await createDraftProvider().generate(req, ctx());
    const b = await createDraftProvider().generate(structuredClone(req), ctx());
    expect(b.files[0]!.bytes.equals(a.files[0]!.bytes)).toBe(true);
  });

  it('changes with the prompt, the seed, the node name and the inputs', async () => {
    const p = createDraftProvider();
    const bytes = async (over: Partial<GenerateRequest>) => (await p.generate(imageReq(over), ctx())).files[0]!.bytes.toString('hex');
    const all = [
      await bytes({}),
      await bytes({ prompt: 'A man in a blue coat' }),
      await bytes({ seed: 1002 }),
      await bytes({ node: 'scene_02' }),
      await bytes({ refs: [hero] }),
    ];
    expect(new Set(all).size).toBe(all.length);
  });

  it('chooses a seed from the prompt when none is given, and reports it', async () => {
    const p = createDraftProvider();
    const a = await p.generate(imageReq({ seed: undefined }), ctx());
    const b = await p.generate(imageReq({ seed: undefined }), ctx());
    const other = await p.generate(imageReq({ seed: undefined, prompt: 'something else' }), ctx());
    expect(Number.isInteger(a.seed)).toBe(true);
    expect(a.seed).toBeGreaterThanOrEqual(0);
    expect(a.seed).toBeLessThan(2 ** 31);
    expect(b.seed).toBe(a.seed);
    expect(other.seed).not.toBe(a.seed);
    const explicit = await p.generate(imageReq({ seed: a.seed }), ctx());
    expect(explicit.files[0]!.bytes.equals(a.files[0]!.bytes)).toBe(true);
  });

  it('returns num_images distinct images of the same size', async () => {
    const res = await createDraftProvider().generate(imageReq({ numImages: 4 }), ctx());
    expect(res.files).toHaveLength(4);
    expect(new Set(res.files.map((f) => f.bytes.toString('base64'))).size).toBe(4);
    for (const f of res.files) expect(await probeMedia(f.bytes)).toMatchObject({ width: 320, height: 200 });
  });

  it('draws thumbnails of input, mask and refs into the image', async () => {
    const req = imageReq({ size: { width: 640, height: 480, aspectRatio: '4:3' }, input: scene, mask, refs: [hero, hero, hero] });
    const withInputs = await createDraftProvider().generate(req, ctx());
    const without = await createDraftProvider().generate({ ...req, input: undefined, mask: undefined, refs: [] }, ctx());
    // The thumbnail row sits along the bottom: that band differs, the title area does not.
    const band = async (bytes: Buffer, top: number, height: number) =>
      sharp(bytes).extract({ left: 0, top, width: 640, height }).raw().toBuffer();
    expect((await band(withInputs.files[0]!.bytes, 360, 90)).equals(await band(without.files[0]!.bytes, 360, 90))).toBe(false);
    expect((await band(withInputs.files[0]!.bytes, 0, 20)).equals(await band(without.files[0]!.bytes, 0, 20))).toBe(true);
  });

  it('survives inputs it cannot read, many refs and tiny sizes', async () => {
    const junk: InputImage = { name: 'broken', path: join(dir, 'broken.png'), sha256: 'x', mediaType: 'image/png' };
    await writeFile(junk.path, '<html>not an image</html>');
    const missing: InputImage = { ...junk, name: 'gone', path: join(dir, 'missing.png') };
    const refs = Array.from({ length: 20 }, () => hero);
    for (const size of [{ width: 1024, height: 768 }, { width: 16, height: 16 }]) {
      const res = await createDraftProvider().generate(imageReq({ input: junk, mask: missing, refs, size: { ...size, aspectRatio: '1:1' } }), ctx());
      expect(await probeMedia(res.files[0]!.bytes)).toMatchObject(size);
    }
  });

  it('renders prompts containing markup and non-Latin text', async () => {
    const res = await createDraftProvider().generate(imageReq({ prompt: '<svg onload="x"> & 日本語の夜景 — "quoted"' }), ctx());
    expect(await probeMedia(res.files[0]!.bytes)).toMatchObject({ width: 320, height: 200 });
  });

  it('rejects when aborted, before or during the render', async () => {
    const p = createDraftProvider();
    const before = new AbortController();
    before.abort();
    await expect(p.generate(imageReq(), ctx(before.signal))).rejects.toMatchObject({ name: 'AbortError' });
    const during = new AbortController();
    const pending = p.generate(imageReq({ numImages: 8, size: { width: 1024, height: 768, aspectRatio: '4:3' } }), ctx(during.signal));
    during.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});

/** A frame of an MP4, decoded by ffmpeg, as PNG bytes. */
function frameAt(mp4: Buffer, seconds: number): Buffer {
  const file = join(dir, `clip-${createHash('sha256').update(mp4).digest('hex').slice(0, 12)}.mp4`);
  writeFileSync(file, mp4);
  return execFileSync('ffmpeg', ['-v', 'error', '-ss', String(seconds), '-i', file, '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'png', '-']);
}

// Draft clips are encoded by ffmpeg: generous timeouts on a loaded machine, one shared render.
describe('draft segments', { timeout: 30_000 }, () => {
  let res: GenerateResult;
  beforeAll(async () => {
    res = await createDraftProvider().generate(segmentReq(), ctx());
  }, 30_000);

  it('renders an H.264 MP4 that lasts the duration', async () => {
    expect(res).toMatchObject({ seed: 1001, costUsd: 0 });
    expect(await probeMedia(res.files[0]!.bytes)).toMatchObject({ mediaType: 'video/mp4', kind: 'video' });
    const file = join(dir, 'seg.mp4');
    writeFileSync(file, res.files[0]!.bytes);
    const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_name,width,height', '-of', 'json', file], { encoding: 'utf8' }));
    expect(probe.streams[0]).toMatchObject({ codec_name: 'h264', width: 640, height: 480 });
    expect(Math.abs(Number(probe.format.duration) - 5)).toBeLessThan(0.1);
  });

  it('moves from the first keyframe towards the last', async () => {
    const redMinusBlue = async (seconds: number) => {
      const [r, , b] = (await sharp(frameAt(res.files[0]!.bytes, seconds)).stats()).channels;
      return r!.mean - b!.mean;
    };
    // The first keyframe (scene) is blue, the last (hero) red.
    expect(await redMinusBlue(0)).toBeLessThan(-30);
    expect(await redMinusBlue(4.9)).toBeGreaterThan(30);
  });

  it('follows duration and aspect ratio, and is deterministic', async () => {
    const p = createDraftProvider();
    const req = segmentReq({ keyframes: [hero], duration: 2, aspectRatio: '16:9' });
    const a = await p.generate(req, ctx());
    const b = await p.generate(req, ctx());
    expect(a.files[0]!.bytes.equals(b.files[0]!.bytes)).toBe(true);
    const meta = await sharp(frameAt(a.files[0]!.bytes, 1.9)).metadata();
    expect(meta).toMatchObject({ width: 640, height: 360 });
    const other = await p.generate({ ...req, prompt: 'Whip pan' }, ctx());
    expect(other.files[0]!.bytes.equals(a.files[0]!.bytes)).toBe(false);
  });

  it('animates a card when there is no keyframe', async () => {
    const res = await createDraftProvider().generate(segmentReq({ keyframes: [], duration: 1 }), ctx());
    const first = await sharp(frameAt(res.files[0]!.bytes, 0)).raw().toBuffer();
    const last = await sharp(frameAt(res.files[0]!.bytes, 0.95)).raw().toBuffer();
    expect(first.equals(last)).toBe(false);
  });

  it('without ffmpeg, fails with the install command', async () => {
    const p = createDraftProvider({ env: { PATH: '/nonexistent-aivp-test' } });
    await expect(p.generate(segmentReq({ duration: 1 }), ctx())).rejects.toThrow(/ffmpeg is needed .*install it with/);
  });

  it('rejects when aborted mid-render', async () => {
    const ac = new AbortController();
    const pending = createDraftProvider().generate(segmentReq(), ctx(ac.signal));
    setImmediate(() => ac.abort());
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});
