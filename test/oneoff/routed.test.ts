// `aivp generate` / `edit` on providers other than fal: routed by model id like a build, local
// files in, every image saved and listed.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/base/errors.js';
import { runEdit, runGenerate, type OneOffContext } from '../../src/oneoff/index.js';
import { startFakeGoogle, type FakeGoogle } from '../fakes/google-server.js';
import { makeImage } from '../support/images.js';
import { tempDir, writeFiles } from '../support/project.js';

const KEY = 'AIzaFAKE-test-key-0123456789abcdef';
let google: FakeGoogle;
let root: string;
let ctx: OneOffContext;

beforeEach(async () => {
  google = await startFakeGoogle({ imageWidth: 64, imageHeight: 48 });
  root = await tempDir();
  ctx = { env: { GEMINI_API_KEY: KEY, GOOGLE_GEMINI_BASE_URL: google.url }, root, cwd: root };
});

afterEach(async () => {
  await google.close();
});

async function png(name: string): Promise<string> {
  await writeFiles(root, { [name]: await makeImage({ width: 20, height: 10, colour: '#3a3' }) });
  return join(root, name);
}

describe('one-off commands routed by model id', () => {
  it('generate on Gemini sends the prompt and aspect ratio, saves each image and lists it by file URL', async () => {
    const out = await runGenerate({ prompt: 'A "quoted" lighthouse', model: 'gemini-3.1-flash-image', size: '16:9', numImages: 2 }, ctx);
    const calls = google.requests.filter((r) => r.path.endsWith(':generateContent'));
    expect(calls).toHaveLength(2);
    const body = calls[0].body as { contents: { parts: { text?: string }[] }[]; generationConfig: { imageConfig: { aspectRatio: string } } };
    expect(body.contents[0].parts[0].text).toBe('A "quoted" lighthouse');
    expect(body.generationConfig.imageConfig.aspectRatio).toBe('16:9');
    const files = (await readdir(root)).filter((f) => f.startsWith('aivp-')).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^aivp-\d{8}-\d{6}_1\.png$/);
    expect(out.images).toEqual(files.map((f) => ({ url: pathToFileURL(join(root, f)).href, path: join(root, f), width: 64, height: 48 })));
  });

  it('edit with a google: prefix sends the local image and mask inline and saves to --output', async () => {
    const file = await png('in.png');
    const mask = await png('mask.png');
    const output = join(root, 'out', 'edited.png');
    const out = await runEdit({ prompt: 'make it night', model: 'google:gemini-3.1-flash-image', file, mask, output }, ctx);
    const body = google.requests.find((r) => r.path.endsWith(':generateContent'))!.body as { contents: { parts: { inlineData?: { data: string } }[] }[] };
    const inline = body.contents[0].parts.filter((p) => p.inlineData).map((p) => Buffer.from(p.inlineData!.data, 'base64'));
    expect(inline).toEqual([await readFile(file), await readFile(mask)]);
    expect(out.images[0].path).toBe(output);
    expect((await sharp(await readFile(output)).metadata()).width).toBe(64);
  });

  it('draft works offline with no key', async () => {
    const out = await runGenerate({ prompt: 'storyboard', model: 'draft', size: 'square' }, { env: {}, root, cwd: root });
    expect(out.images).toHaveLength(1);
    expect((await sharp(await readFile(out.images[0].path!)).metadata()).width).toBe(1024);
  });

  it('refuses before sending: a missing key, a URL input, a video model, an unrouted id', async () => {
    const bare = { env: { GOOGLE_GEMINI_BASE_URL: google.url }, root, cwd: root };
    await expect(runGenerate({ prompt: 'x', model: 'gemini-3.1-flash-image' }, bare)).rejects.toThrow(/GEMINI_API_KEY.*nothing was sent/);
    await expect(runGenerate({ prompt: 'x', model: 'gpt-image-1' }, bare)).rejects.toThrow(/OPENAI_API_KEY.*nothing was sent/);
    await expect(runGenerate({ prompt: 'x', model: 'gemini-3.1-flash-image', imageUrl: 'https://example.com/a.png' }, ctx)).rejects.toThrow(/use --file/);
    await expect(runGenerate({ prompt: 'x', model: 'veo-3.1-generate-001' }, ctx)).rejects.toThrow(/makes videos/);
    await expect(runGenerate({ prompt: 'x', model: 'midjourney' }, ctx)).rejects.toBeInstanceOf(UsageError);
    expect(google.requests).toHaveLength(0);
    expect((await readdir(root)).filter((f) => f.startsWith('aivp-'))).toEqual([]);
  });
});
