import { existsSync } from 'node:fs';
import { readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/base/errors.js';
import { numbered, runEdit, runGenerate, runUpload, type OneOffContext } from '../../src/oneoff/index.js';
import { ProviderError } from '../../src/providers/types.js';
import { startFakeFal, type FakeFal } from '../fakes/fal-server.js';
import { makeImage } from '../support/images.js';
import { tempDir, writeFiles } from '../support/project.js';

let fake: FakeFal;
let root: string;
let ctx: OneOffContext;

beforeEach(async () => {
  fake = await startFakeFal();
  root = await tempDir();
  ctx = { env: fake.env(), root };
});

afterEach(async () => {
  await fake.close();
});

async function png(name: string, color: number): Promise<string> {
  await writeFiles(root, { [name]: await makeImage({ width: 20, height: 10, colour: { r: color, g: color, b: 0 } }) });
  return join(root, name);
}

describe('aivp generate', () => {
  it('defaults to nano-banana-pro, landscape, one image', async () => {
    const out = await runGenerate({ prompt: 'A woman in a red dress on a cliff' }, ctx);
    expect(fake.submissions).toHaveLength(1);
    const sub = fake.submissions[0];
    expect(sub.model).toBe('fal-ai/nano-banana-pro');
    // The provider chooses the seed a model does not report back, as it does in a build.
    expect(sub.input).toEqual({ prompt: 'A woman in a red dress on a cliff', aspect_ratio: '4:3', num_images: 1, seed: expect.any(Number) });
    expect(out.images).toHaveLength(1);
    expect(out.images[0]).toEqual({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1/), width: 1184, height: 880 });
  });

  it('maps flags for image_size models and saves several images as out_1, out_2', async () => {
    const output = join(root, 'sheets', 'hero.png');
    const out = await runGenerate(
      { prompt: 'Character sheet', model: 'fal-ai/flux-2/turbo', size: 'square', numImages: 2, seed: 9, output },
      ctx,
    );
    expect(fake.submissions[0].input).toEqual({ prompt: 'Character sheet', image_size: 'square_hd', seed: 9, num_images: 2 });
    expect(out.images.map((i) => [i.width, i.height])).toEqual([[1024, 1024], [1024, 1024]]);
    const a = await readFile(join(root, 'sheets', 'hero_1.png'));
    const b = await readFile(join(root, 'sheets', 'hero_2.png'));
    expect((await sharp(a).metadata()).width).toBe(1024);
    expect(a.equals(b)).toBe(false);
    await expect(stat(output)).rejects.toThrow();
  });

  it('writes the format the output name says: -o out.jpg gets JPEG bytes from a PNG answer', async () => {
    const output = join(root, 'out.jpg');
    await runGenerate({ prompt: 'x', model: 'fal-ai/flux/schnell', output }, ctx);
    expect((await sharp(await readFile(output)).metadata()).format).toBe('jpeg');
  });

  it('saves a single image to the output path and probes size when fal omits it', async () => {
    fake.set({ reportDimensions: false, imageSize: { width: 48, height: 32 } });
    const output = join(root, 'one.png');
    const out = await runGenerate({ prompt: 'x', model: 'fal-ai/flux/schnell', output }, ctx);
    // The fal URL, and where the copy was saved.
    expect(out.images[0]).toEqual({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1/), path: output, width: 48, height: 32 });
    expect((await sharp(await readFile(output)).metadata()).height).toBe(32);
  });

  it('uploads --file and switches a text-to-image model to its edit variant', async () => {
    const file = await png('in.png', 100);
    await runGenerate({ prompt: 'make it night', file }, ctx);
    await runGenerate({ prompt: 'make it night', file }, ctx);
    expect(fake.uploads).toHaveLength(1);
    for (const s of fake.submissions) {
      expect(s.model).toBe('fal-ai/nano-banana-pro/edit');
      expect(s.input.image_urls).toEqual([fake.uploads[0].url]);
    }
  });

  it('passes --image-url through unchanged', async () => {
    await runGenerate({ prompt: 'anime', model: 'fal-ai/flux/dev/image-to-image', imageUrl: 'https://example.com/p.jpg' }, ctx);
    expect(fake.uploads).toHaveLength(0);
    expect(fake.submissions[0].input.image_url).toBe('https://example.com/p.jpg');
  });

  it('rejects a bad size or a non-fal model before sending anything', async () => {
    await expect(runGenerate({ prompt: 'x', size: 'huge' }, ctx)).rejects.toBeInstanceOf(UsageError);
    await expect(runGenerate({ prompt: 'x', model: 'gemini-2.5-flash-image' }, ctx)).rejects.toBeInstanceOf(UsageError);
    expect(fake.requests).toHaveLength(0);
  });

  it('maps fal errors and keeps the key out of them', async () => {
    fake.fail({ on: 'submit', status: 422, body: { detail: [{ loc: ['body', 'prompt'], msg: `too long ${fake.key}`, type: 'x' }] } });
    const err = await runGenerate({ prompt: 'x' }, ctx).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as Error).message).toContain('input.prompt: too long ***');
    expect((err as Error).message).not.toContain(fake.key);
  });

  it('names FAL_KEY when it is missing', async () => {
    await expect(runGenerate({ prompt: 'x' }, { env: {}, root })).rejects.toThrow(/FAL_KEY/);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('aivp edit', () => {
  it('edits a URL with a local mask on an inpainting model', async () => {
    const mask = await png('mask.png', 255);
    const output = join(root, 'edited.png');
    const out = await runEdit(
      { prompt: 'remove the car', model: 'fal-ai/flux-general/inpainting', imageUrl: 'https://example.com/street.jpg', mask, output },
      ctx,
    );
    const sub = fake.submissions[0];
    expect(sub.input).toMatchObject({
      prompt: 'remove the car', image_url: 'https://example.com/street.jpg', mask_url: fake.uploads[0].url, num_images: 1,
    });
    expect(out.images).toHaveLength(1);
    expect((await stat(output)).size).toBeGreaterThan(0);
  });

  it('passes a mask URL through unchanged and uploads the local image', async () => {
    const file = await png('street.png', 60);
    await runEdit({ prompt: 'remove the car', model: 'fal-ai/flux-general/inpainting', file, mask: 'https://example.com/m.png' }, ctx);
    expect(fake.uploads).toHaveLength(1);
    expect(fake.submissions[0].input).toMatchObject({ image_url: fake.uploads[0].url, mask_url: 'https://example.com/m.png' });
  });

  it('defaults to nano-banana-pro/edit and needs an image', async () => {
    const file = await png('photo.png', 30);
    await runEdit({ prompt: 'anime style', file }, ctx);
    expect(fake.submissions[0].model).toBe('fal-ai/nano-banana-pro/edit');
    expect(fake.submissions[0].input.image_urls).toEqual([fake.uploads[0].url]);
    await expect(runEdit({ prompt: 'x' }, ctx)).rejects.toBeInstanceOf(UsageError);
  });
});

describe('aivp upload', () => {
  it('uploads once per content and returns the URL', async () => {
    const a = await png('a.png', 1);
    const copy = join(root, 'copy.png');
    await writeFile(copy, await readFile(a));
    const url1 = await runUpload(a, ctx);
    const url2 = await runUpload(copy, ctx);
    expect(url1).toBe(fake.uploads[0].url);
    expect(url2).toBe(url1);
    expect(fake.uploads).toHaveLength(1);
    expect(fake.uploads[0].fileName).toBe('a.png');
    const served = await fetch(url1);
    expect(Buffer.from(await served.arrayBuffer()).equals(await readFile(a))).toBe(true);
  });

  it('a missing file is a usage error that says so', async () => {
    const missing = join(root, 'nope.png');
    await expect(runUpload(missing, ctx)).rejects.toThrow(new UsageError(`${missing} does not exist (nothing was sent)`));
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses what is not an image, a link to one included, before anything is sent', async () => {
    await writeFiles(root, { 'notes.png': 'just text', 'page.png': '<!doctype html><p>404</p>', 'cut.png': (await makeImage({})).subarray(0, 60) });
    await symlink(join(root, 'notes.png'), join(root, 'link.png'));
    for (const [name, why] of [['notes.png', 'its content is not PNG, JPEG, GIF, WebP or BMP'], ['link.png', 'its content is not'], ['page.png', 'it holds HTML or XML'], ['cut.png', 'truncated PNG']]) {
      const err = await runUpload(join(root, name), ctx).then(() => undefined, (e: unknown) => e);
      expect(err, name).toBeInstanceOf(UsageError);
      expect((err as Error).message, name).toContain(`${join(root, name)} is not an image: ${why}`);
      for (const run of [() => runGenerate({ prompt: 'x', file: join(root, name) }, ctx), () => runEdit({ prompt: 'x', file: join(root, name) }, ctx)]) {
        await expect(run(), name).rejects.toThrow(/is not an image/);
      }
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('outside a project (no root) remembers uploads for the process and writes nothing', async () => {
    const a = await png('a.png', 1);
    const url = await runUpload(a, { env: fake.env(), root: undefined });
    expect(await runUpload(a, { env: fake.env(), root: undefined })).toBe(url);
    expect(fake.uploads).toHaveLength(1);
    expect(existsSync(join(root, '.aivp'))).toBe(false);
  });
});

describe('model ids aivp does not know', () => {
  const warnings: string[] = [];
  const warned = () => ({ ...ctx, onWarning: (m: string) => warnings.push(m) });
  beforeEach(() => {
    warnings.length = 0;
  });

  it('a typo of a known id is refused with the suggestion, nothing sent', async () => {
    const err = await runGenerate({ prompt: 'x', model: 'fal-ai/flux/schnel' }, warned()).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe(
      'unknown model "fal-ai/flux/schnel": did you mean `fal-ai/flux/schnell`? (nothing was sent; to send an id aivp does not know as written, prefix it: `fal:fal-ai/flux/schnel`)',
    );
    expect(fake.requests).toHaveLength(0);
  });

  it('an unrouted id gets the suggestion too', async () => {
    await expect(runGenerate({ prompt: 'x', model: 'nano-banana-pro' }, warned())).rejects.toThrow('did you mean `fal-ai/nano-banana-pro`?');
  });

  it('an id in fal\'s catalogue but not the table, a prefixed typo, an id far from any: warned and sent', async () => {
    await runGenerate({ prompt: 'x', model: 'fal-ai/cogview4' }, warned());
    expect(fake.submissions.map((s) => s.model)).toEqual(['fal-ai/cogview4']);
    // Sent: the fake, like fal, answers 404 for an endpoint it does not have.
    await expect(runGenerate({ prompt: 'x', model: 'fal:fal-ai/flux/schnel' }, warned())).rejects.toThrow("Application 'fal-ai/flux/schnel' not found");
    await expect(runGenerate({ prompt: 'x', model: 'acme-labs/brand-new-model' }, warned())).rejects.toThrow("Application 'acme-labs/brand-new-model' not found");
    expect(warnings).toEqual([
      'model "fal-ai/cogview4" is not in aivp\'s model table: generic input mapping and no cost estimate',
      'model "fal:fal-ai/flux/schnel" is not in aivp\'s model table nor in fal\'s published list: sent as written, with generic input mapping (did you mean `fal-ai/flux/schnell`?)',
      'model "acme-labs/brand-new-model" is not in aivp\'s model table nor in fal\'s published list: sent as written, with generic input mapping',
    ]);
  });
});

describe('numbered outputs', () => {
  it('numbers only when there are several', () => {
    expect(numbered('/x/out.png', 0, 1)).toBe('/x/out.png');
    expect(numbered('/x/out.png', 1, 3)).toBe('/x/out_2.png');
  });
});
