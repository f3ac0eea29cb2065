// The fake fal refuses what fal's catalogue refuses, in fal's own answer shapes, so no test can
// pass on a request the real fal would turn down (or silently ignore part of).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeFal, type FakeFal } from '../fakes/fal-server.js';

let fake: FakeFal;
beforeAll(async () => {
  fake = await startFakeFal();
});
afterAll(() => fake.close());

async function submit(model: string, input: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
  const res = await fetch(fake.url, {
    method: 'POST',
    headers: { 'x-fal-target-url': `https://queue.fal.run/${model}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  return { status: res.status, body: await res.json() };
}

const detail = (field: string, type: string) => ({ detail: [{ loc: ['body', field], msg: expect.any(String), type }] });

describe('the fake fal against the catalogue', () => {
  it('queues an input its endpoint takes', async () => {
    const r = await submit('fal-ai/nano-banana-pro/edit', { prompt: 'red', image_urls: ['https://x/a.png'], aspect_ratio: 'auto' });
    expect(r.status).toBe(200);
    expect(fake.submits('fal-ai/nano-banana-pro/edit')).toHaveLength(1);
  });

  it('answers 422 for a missing required field', async () => {
    const r = await submit('fal-ai/nano-banana-pro/edit', { prompt: 'red' });
    expect(r).toEqual({ status: 422, body: detail('image_urls', 'missing') });
  });

  it('answers 422 for a field outside the input type', async () => {
    const r = await submit('fal-ai/kling-video/v2.5-turbo/standard/image-to-video', { prompt: 'p', image_url: 'https://x/a.png', tail_image_url: 'https://x/b.png' });
    expect(r).toEqual({ status: 422, body: detail('tail_image_url', 'extra_forbidden') });
  });

  it('answers 422 for a value outside the enum, naming the allowed ones', async () => {
    const r = await submit('fal-ai/flux-pro/kontext', { prompt: 'p', image_url: 'https://x/a.png', aspect_ratio: '5:4' });
    expect(r).toEqual({ status: 422, body: detail('aspect_ratio', 'literal_error') });
    expect((r.body as { detail: Array<{ msg: string }> }).detail[0].msg).toContain("'3:4', '9:16' or '9:21'");
  });

  it('answers 404 for an id that is no endpoint', async () => {
    const r = await submit('fal-ai/flux-2-turbo', { prompt: 'p' });
    expect(r.status).toBe(404);
    expect(fake.submits('fal-ai/flux-2-turbo')).toEqual([]);
  });
});
