import { describe, expect, it } from 'vitest';
import { canonicalModel, estimateCost, lookupModel, MODELS, modelIds, routeModel, routeProvider, takesImages, withImages } from '../../src/providers/models.js';
import { nearestAspectRatio, resolveSize } from '../../src/providers/size.js';

describe('model routing and table', () => {
  it('routes ids by shape', () => {
    expect(routeProvider('fal-ai/flux/dev')).toBe('fal');
    expect(routeProvider('someone/custom-app')).toBe('fal');
    expect(routeProvider('gemini-2.5-flash-image')).toBe('google');
    expect(routeProvider('veo-3.0-generate-001')).toBe('google');
    expect(routeProvider('imagen-4.0')).toBe('google');
    expect(routeProvider('draft')).toBe('draft');
    expect(routeProvider('gpt-image-1')).toBe('openai');
    expect(routeProvider('dall-e-3')).toBe('openai');
    expect(routeProvider('midjourney-v7')).toBeUndefined();
  });

  it('routes an explicit <provider>: prefix, whatever the rest looks like, and sends the id without it', () => {
    expect(routeModel('fal:fal-ai/flux/dev')).toEqual({ provider: 'fal', name: 'fal-ai/flux/dev' });
    expect(routeModel('google:veo-3.0-generate-001')).toEqual({ provider: 'google', name: 'veo-3.0-generate-001' });
    expect(routeModel('openai:my-finetune')).toEqual({ provider: 'openai', name: 'my-finetune' });
    // ImageRouter's ids look like fal's: only the prefix routes them there.
    expect(routeModel('imagerouter:openai/gpt-image-1')).toEqual({ provider: 'imagerouter', name: 'openai/gpt-image-1' });
    expect(routeProvider('openai/gpt-image-1')).toBe('fal');
    expect(routeModel('stability:ultra')).toEqual({ provider: 'stability', name: 'ultra' });
    expect(routeProvider('replicate:foo')).toBeUndefined();
    expect(routeProvider('stability:')).toBeUndefined();
    const prefixed = lookupModel('fal:fal-ai/flux/dev', 'image')!;
    expect(prefixed).toEqual(lookupModel('fal-ai/flux/dev', 'image'));
    expect(lookupModel('imagerouter:openai/gpt-image-1', 'image')!.info).toMatchObject({ provider: 'imagerouter', id: 'openai/gpt-image-1' });
    expect(lookupModel('openai:gpt-image-1', 'image')!.info.provider).toBe('openai');
  });

  it('spells each model one way, so a prefix the shape implies changes no key or price', () => {
    expect(canonicalModel('fal:fal-ai/flux/dev')).toBe('fal-ai/flux/dev');
    expect(canonicalModel('openai:gpt-image-1')).toBe('gpt-image-1');
    expect(canonicalModel('google:gemini-2.5-flash-image')).toBe('gemini-2.5-flash-image');
    expect(canonicalModel('openai:custom')).toBe('openai:custom');
    expect(canonicalModel('imagerouter:openai/gpt-image-1')).toBe('imagerouter:openai/gpt-image-1');
    expect(canonicalModel('stability:core')).toBe('stability:core');
    expect(canonicalModel('draft')).toBe('draft');
  });

  it('has one row per provider and id, each routed to its own provider as users write it', () => {
    const ids = modelIds();
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('imagerouter:openai/gpt-image-1');
    expect(ids).toContain('stability:sd3.5-large');
    for (const m of MODELS.filter((r) => r.provider !== 'draft')) expect(lookupModel(canonicalModel(`${m.provider}:${m.id}`), m.media)?.info).toBe(m);
    for (const m of MODELS.filter((r) => r.editVariant)) expect(takesImages(lookupModel(m.editVariant!, 'image')!.info)).toBe(true);
  });

  it('gives unknown ids under a known provider a generic row without a price', () => {
    const r = lookupModel('fal-ai/recraft/v3/text-to-image', 'image')!;
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
