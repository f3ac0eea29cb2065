// 5. Draft render time per image and per segment, calling the draft provider directly.
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { median, ms, percentile, QUICK, removeDir, REPO, table, tempDir } from './lib/util.mjs';

export const title = 'Draft rendering';

const dist = (rel) => import(pathToFileURL(join(REPO, 'dist', rel)).href);

export async function run() {
  const { createDraftProvider } = await dist('providers/draft/provider.js');
  const { lookupModel } = await dist('providers/models.js');
  const provider = createDraftProvider();
  const dir = await tempDir('draft');
  try {
    const image = async (name, width, height) => {
      const path = join(dir, `${name}.png`);
      const c = createHash('sha256').update(name).digest();
      const bytes = await sharp({ create: { width, height, channels: 3, background: { r: c[0], g: c[1], b: c[2] } } }).png().toBuffer();
      await writeFile(path, bytes);
      return { name, path, sha256: createHash('sha256').update(bytes).digest('hex'), mediaType: 'image/png' };
    };
    const refs = [await image('hero', 1024, 1024), await image('mentor', 768, 1024), await image('style', 1024, 768)];
    const n = QUICK ? 10 : 30;
    // A fresh input per render, as in a chained build (the provider caches thumbnails by content).
    const inputs = [];
    for (let i = 0; i <= n; i++) inputs.push(await image(`previous_${i}`, 1024, 768));
    const inputOf = (i) => inputs[i + 1];
    const ctx = { signal: new AbortController().signal, onProgress() {}, onSubmitted: async () => {} };
    const imageReq = (i, width, height) => ({
      node: `shot_${i}`, model: lookupModel('draft', 'image').info, prompt: `A woman in a red dress on a cliff, take ${i}, golden hour`,
      seed: i, size: { width, height, aspectRatio: `${width}:${height}` }, numImages: 1, input: inputOf(i), refs, keyframes: [], params: {},
    });
    const segmentReq = (i) => ({
      node: `seg_${i}`, model: lookupModel('draft', 'video').info, prompt: `Slow push in, take ${i}`,
      numImages: 1, refs: [], keyframes: [inputOf(i), refs[2]], duration: 5, params: {},
    });
    const time = async (n, make) => {
      await provider.generate(make(-1), ctx);
      const t = [];
      let bytes = 0;
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        const r = await provider.generate(make(i), ctx);
        t.push(performance.now() - t0);
        bytes = r.files[0].bytes.length;
      }
      return { p50: median(t), p95: percentile(t, 95), bytes };
    };
    const rows = {
      small: await time(n, (i) => imageReq(i, 64, 64)),
      landscape: await time(n, (i) => imageReq(i, 1024, 768)),
      segment: await time(QUICK ? 3 : 10, segmentReq),
    };
    const markdown = [
      'The draft provider called in-process (dist/providers/draft/provider.js), after one warm-up call. Images take a fresh input per render and the same three references (1024-pixel PNGs), whose thumbnails are drawn in; ' +
        'the segment animates two 1024x768 keyframes over 5 s.',
      '',
      table(
        ['render', 'p50 ms', 'p95 ms', 'output bytes'],
        [
          [`image 64x64 (n=${n})`, ms(rows.small.p50), ms(rows.small.p95), String(rows.small.bytes)],
          [`image 1024x768 (n=${n})`, ms(rows.landscape.p50), ms(rows.landscape.p95), String(rows.landscape.bytes)],
          [`segment, 2 keyframes, 5 s (n=${QUICK ? 3 : 10})`, ms(rows.segment.p50), ms(rows.segment.p95), String(rows.segment.bytes)],
        ],
      ),
      '',
      `Spec bar (an image "in well under 100 ms"): ${rows.landscape.p95 < 100 ? 'met' : 'missed'} at 1024x768 (p95 ${ms(rows.landscape.p95)} ms).`,
    ].join('\n');
    return { markdown, data: rows };
  } finally {
    await removeDir(dir);
  }
}
