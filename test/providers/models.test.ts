import { describe, expect, it } from 'vitest';
import { MODELS } from '../../src/providers/model-table.js';
import { estimateCost, lookupModel, routeProvider, takesImages, withImages } from '../../src/providers/models.js';
import { nearestAspectRatio, resolveSize } from '../../src/providers/size.js';

describe('model routing and table', () => {
  it('routes ids by shape', () => {
    expect(routeProvider('fal-ai/flux/dev')).toBe('fal');
    expect(routeProvider('someone/custom-app')).toBe('fal');
    expect(routeProvider('gemini-2.5-flash-image')).toBe('google');
    expect(routeProvider('veo-3.0-generate-001')).toBe('google');
    expect(routeProvider('imagen-4.0')).toBe('google');
    expect(routeProvider('draft')).toBe('draft');
    expect(routeProvider('dall-e-3')).toBeUndefined();
  });

  it('has one row per id, each routed to its own provider', () => {
    const ids = MODELS.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const m of MODELS) expect(routeProvider(m.id)).toBe(m.provider);
    for (const m of MODELS.filter((r) => r.editVariant)) expect(takesImages(lookupModel(m.editVariant!, 'image')!.info)).toBe(true);
  });

  it('gives unknown ids under a known provider a generic row without a price', () => {
    const r = lookupModel('fal-ai/brand-new-model', 'image')!;
    expect(r.known).toBe(false);
    expect(estimateCost(r.info, { numImages: 1 })).toBeUndefined();
  });

  it('switches a text-to-image model to its edit variant when it is given images', () => {
    const nano = lookupModel('fal-ai/nano-banana-pro', 'image')!.info;
    expect(withImages(nano, 0).id).toBe('fal-ai/nano-banana-pro');
    expect(withImages(nano, 2).id).toBe('fal-ai/nano-banana-pro/edit');
    const schnell = lookupModel('fal-ai/flux/schnell', 'image')!.info;
    expect(takesImages(withImages(schnell, 1))).toBe(false);
  });

  it('estimates costs per image, megapixel and second, with overrides', () => {
    const nano = lookupModel('fal-ai/nano-banana-pro', 'image')!.info;
    expect(estimateCost(nano, { numImages: 2 })).toBe(0.3);
    const flux = lookupModel('fal-ai/flux/dev', 'image')!.info;
    expect(estimateCost(flux, { width: 2048, height: 1024, numImages: 1 })).toBeCloseTo(0.025 * 2.097152, 4);
    const kling = lookupModel('fal-ai/kling-video/v2.5-turbo/pro/image-to-video', 'video')!.info;
    expect(estimateCost(kling, { numImages: 1, durationSeconds: 10 })).toBe(0.7);
    expect(estimateCost(flux, { numImages: 1 }, { per_image: 0.5 })).toBe(0.5);
    expect(estimateCost(lookupModel('draft', 'image')!.info, { numImages: 4 })).toBe(0);
  });
});

describe('sizes', () => {
  it('resolves presets, WxH and ratios', () => {
    expect(resolveSize('landscape')).toEqual({ width: 1024, height: 768, aspectRatio: '4:3', name: 'landscape' });
    expect(resolveSize('1280x720')).toEqual({ width: 1280, height: 720, aspectRatio: '16:9' });
    const r = resolveSize('16:9')!;
    expect(r.aspectRatio).toBe('16:9');
    expect(r.width % 16).toBe(0);
    expect(resolveSize('huge')).toBeUndefined();
    expect(nearestAspectRatio(1920, 1080, ['1:1', '16:9', '9:16'])).toBe('16:9');
  });
});
