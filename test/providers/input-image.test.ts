// The one check before a local image leaves the machine: fal's storage upload and the images
// inlined to Google, OpenAI, ImageRouter and Stability all refuse what is not an image (a renamed
// text file, whatever a link points at) with a usage error, and send nothing.
import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/base/errors.js';
import { sha256Bytes } from '../../src/media/hash.js';
import { createUploader, rememberUrls } from '../../src/providers/fal/uploads.js';
import { inlineImage } from '../../src/providers/google/media.js';
import { acceptedImage, sendableImage } from '../../src/providers/input-image.js';
import type { InputImage } from '../../src/providers/types.js';
import { makeImage } from '../support/images.js';
import { tempDir } from '../support/project.js';

async function fixtures(): Promise<{ root: string; image: InputImage; text: InputImage; link: InputImage }> {
  const root = await tempDir();
  const png = await makeImage({ width: 8, height: 8 });
  await writeFile(join(root, 'ok.png'), png);
  await writeFile(join(root, 'secret.txt'), 'API_KEY=not-an-image\n');
  await symlink(join(root, 'secret.txt'), join(root, 'frame.png'));
  const img = (name: string, file: string, bytes: Buffer | string): InputImage => ({ name, path: join(root, file), sha256: sha256Bytes(Buffer.from(bytes)), mediaType: 'image/png' });
  return { root, image: img('shot', 'ok.png', png), text: img('notes', 'secret.txt', 'API_KEY=not-an-image\n'), link: img('seg_01', 'frame.png', 'API_KEY=not-an-image\n') };
}

describe('sendableImage', () => {
  it('passes an image with the type its bytes announce, whatever its name says', async () => {
    const { image } = await fixtures();
    const got = await sendableImage({ ...image, path: image.path });
    expect(got.mediaType).toBe('image/png');
  });

  it('refuses a text file and a link to one, naming the node and the file', async () => {
    const { text, link } = await fixtures();
    for (const img of [text, link]) {
      const err = await sendableImage(img).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).toBe(`\`${img.name}\` (${img.path}) is not an image: its content is not PNG, JPEG, GIF, WebP or BMP (nothing was sent)`);
    }
  });

  it('guards every way out: inlined (as is, converted) and fal uploads, even with a URL cached for the hash', async () => {
    const { root, link } = await fixtures();
    await expect(acceptedImage(link, ['image/png'])).rejects.toBeInstanceOf(UsageError);
    await expect(acceptedImage(link, ['image/jpeg'])).rejects.toBeInstanceOf(UsageError);
    await expect(inlineImage(link, ['image/webp'])).rejects.toBeInstanceOf(UsageError);
    await rememberUrls(root, { [link.sha256]: 'https://v3.fal.media/files/cached.png' });
    const sent: File[] = [];
    const upload = createUploader(root, async (f) => (sent.push(f), 'https://v3.fal.media/files/new.png'));
    await expect(upload(link)).rejects.toBeInstanceOf(UsageError);
    expect(sent).toEqual([]);
  });
});
