// fal's catalogue (src/providers/fal/catalogue.json) is what scripts/fal-catalogue.mjs makes from
// the pinned @fal-ai/client, and the generator reads the endpoint types right.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../cli/helpers.js';

const FILE = join(REPO, 'src/providers/fal/catalogue.json');
const committed = readFileSync(FILE, 'utf8');
const { source, endpoints } = JSON.parse(committed) as {
  source: string;
  endpoints: Record<string, Record<string, { required?: true; kind: string; values?: unknown[] }>>;
};

describe("fal's endpoint catalogue", () => {
  it('is exactly what the generator makes from the installed @fal-ai/client, whose version package.json pins', () => {
    const regenerated = execFileSync(process.execPath, [join(REPO, 'scripts/fal-catalogue.mjs'), '--stdout'], { encoding: 'utf8' });
    expect(regenerated === committed, 'catalogue.json is stale: run `node scripts/fal-catalogue.mjs`').toBe(true);
    const pinned = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).dependencies['@fal-ai/client'];
    expect(source).toBe(`@fal-ai/client ${pinned} src/types/endpoints.d.ts`);
  });

  it('lists every endpoint of the type map, in a file small enough to ship', () => {
    expect(Object.keys(endpoints).length).toBeGreaterThan(1_000);
    expect(committed.length).toBeLessThan(1_500_000);
  });

  it('reads required fields, aliases of input types and literal unions as fal publishes them', () => {
    expect(endpoints['fal-ai/nano-banana-pro/edit'].image_urls).toEqual({ required: true, kind: 'list' });
    const flf = endpoints['fal-ai/veo3.1/first-last-frame-to-video'];
    expect([flf.first_frame_url.required, flf.last_frame_url.required]).toEqual([true, true]);
    // An alias of Kling v2 master's input type: no last frame.
    const turboStandard = endpoints['fal-ai/kling-video/v2.5-turbo/standard/image-to-video'];
    expect(turboStandard.image_url).toEqual({ required: true, kind: 'string' });
    expect(turboStandard.tail_image_url).toBeUndefined();
    expect(endpoints['fal-ai/veo3.1/image-to-video'].duration).toEqual({ kind: 'string', values: ['4s', '6s', '8s'] });
    expect(endpoints['fal-ai/flux-pro/kontext'].aspect_ratio.values).toEqual(['21:9', '16:9', '4:3', '3:2', '1:1', '2:3', '3:4', '9:16', '9:21']);
    // A preset or a {width, height} object.
    expect(endpoints['fal-ai/flux/dev'].image_size).toMatchObject({ kind: 'object|string', values: expect.arrayContaining(['square_hd']) });
    expect(endpoints['fal-ai/flux/dev'].seed).toEqual({ kind: 'number' });
    expect(endpoints['fal-ai/flux-2-turbo']).toBeUndefined();
  });
});

describe('scripts/fal-upgrade-diff.mjs (for the next @fal-ai/client upgrade)', () => {
  const run = (file?: string) => {
    try {
      return { code: 0, out: execFileSync(process.execPath, [join(REPO, 'scripts/fal-upgrade-diff.mjs'), ...(file ? [file] : [])], { encoding: 'utf8' }) };
    } catch (err) {
      const e = err as { status: number; stdout: string };
      return { code: e.status, out: e.stdout };
    }
  };

  it('finds nothing against the installed client, and lists every used endpoint a new catalogue changes', async () => {
    expect(run()).toEqual({ code: 0, out: expect.stringMatching(/^the \d+ endpoints the table uses are unchanged\n$/) });
    const next = JSON.parse(committed) as { endpoints: Record<string, Record<string, { required?: true; kind: string; values?: unknown[] }>> };
    delete next.endpoints['fal-ai/aura-sr'];
    next.endpoints['fal-ai/flux/dev'].guidance_scale.required = true;
    next.endpoints['fal-ai/veo3.1/image-to-video'].duration.values = ['4s', '8s'];
    delete next.endpoints['fal-ai/nano-banana-pro/edit'].num_images;
    // A change to an endpoint no row uses is no concern of the table's.
    delete next.endpoints['argil/avatars/audio-to-video'];
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const file = join(await mkdtemp(join(tmpdir(), 'aivp-fal-')), 'next.json');
    await writeFile(file, JSON.stringify(next));
    expect(run(file)).toEqual({
      code: 1,
      out: [
        'fal-ai/aura-sr: gone from the new catalogue',
        'fal-ai/flux/dev: field guidance_scale is now required',
        'fal-ai/nano-banana-pro/edit: field num_images removed',
        'fal-ai/veo3.1/image-to-video: field duration values 4s|6s|8s -> 4s|8s',
        '',
      ].join('\n'),
    });
  });
});
