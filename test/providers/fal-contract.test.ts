// The contract with fal (SPEC section 10): every fal row of the model table, in every shape it
// claims, makes a request that fal's own published input type accepts: the endpoint exists, every
// required field is sent, nothing outside the type is sent (fal would silently ignore it), every
// value is inside its enum. A shape fal would refuse must be one `validate` refuses first.
import { describe, expect, it } from 'vitest';
import { FAL_CATALOGUE, falEndpoint } from '../../src/providers/fal/catalogue.js';
import { inputProblems } from '../../src/providers/published.js';
import { FAL_MODELS } from '../../src/providers/fal/models.js';
import { falInput, type FalInputRequest, type ImageUrls } from '../../src/providers/fal/input.js';
import { defaultDuration, estimateCost, lookupModel, requiresField, withImages } from '../../src/providers/models.js';
import { resolveSize } from '../../src/providers/size.js';
import type { ModelInfo } from '../../src/providers/types.js';

const url = (name: string) => `https://v3.fal.media/files/${name}.png`;
const SIZES = ['square', 'portrait', 'landscape', '1280x720', '21:9', '16:9', '3:2', '4:3', '5:4', '1:1', '4:5', '3:4', '2:3', '9:16', '9:21'];
const SEGMENT_RATIOS = [undefined, '16:9', '9:16', '1:1', '4:3', '21:9'];

interface Shape {
  name: string;
  req: FalInputRequest;
  urls: ImageUrls;
}

const noImages: ImageUrls = { refs: [], keyframes: [] };

function imageShapes(row: ModelInfo): Shape[] {
  const base = { model: row, seed: 7, numImages: 2, params: {} };
  // Upscalers are the rows that take no prompt.
  const prompt = row.task === 'upscale' ? undefined : 'a lighthouse at dusk';
  const shapes: Shape[] = [];
  const sized = (name: string, urls: ImageUrls, model = row) => {
    const sizes = model.size === 'none' ? [undefined] : SIZES;
    for (const size of sizes) shapes.push({ name: `${name}, size ${size ?? 'none'}`, req: { ...base, model, prompt, size: size === undefined ? undefined : resolveSize(size) }, urls });
  };
  if (row.task === 't2i') sized('text to image', noImages);
  if (row.imageField || row.imageListField) sized('with an input', { ...noImages, input: url('in') });
  if (row.imageListField || (row.maxRefs ?? 1) > 0) {
    const served = withImages(row, 2);
    if (served.imageField || served.imageListField) sized(`with refs (${served.id})`, { ...noImages, input: url('in'), refs: [url('ref')] }, served);
  }
  if (row.maskField) sized('with a mask', { ...noImages, input: url('in'), mask: url('mask') });
  return shapes;
}

function videoShapes(row: ModelInfo): Shape[] {
  const shapes: Shape[] = [];
  const frames = [[url('first')], ...(row.lastFrameField ? [[url('first'), url('last')]] : [])];
  for (const keyframes of frames) {
    for (const duration of [undefined, ...(row.durations ?? [])]) {
      for (const aspectRatio of SEGMENT_RATIOS) {
        shapes.push({
          name: `${keyframes.length} keyframe(s), duration ${duration ?? 'default'}, aspect ratio ${aspectRatio ?? 'none'}`,
          req: { model: row, prompt: 'slow push in', numImages: 1, duration, aspectRatio, params: {} },
          urls: { refs: [], keyframes },
        });
      }
    }
  }
  return shapes;
}

/** What fal would refuse or ignore in a request, minus a missing image that validate refuses before sending. */
function problemsOf(shape: Shape): string[] {
  const type = falEndpoint(shape.req.model.id)!;
  const input = falInput(shape.req, shape.urls);
  return inputProblems(type, input)
    .filter((p) => !(p.type === 'missing' && refusedByValidate(shape, p.field)))
    .map((p) => `${shape.req.model.id} ${shape.name}: ${p.field} ${p.type} (${p.msg}); sent ${JSON.stringify(input[p.field])}`);
}

/** The images validate requires where the model does (models-check.ts): an image, a mask, a last frame. */
function refusedByValidate(shape: Shape, field: string): boolean {
  const m = shape.req.model;
  const { input, refs, mask, keyframes } = shape.urls;
  const imageless = input === undefined && refs.length === 0 && keyframes.length === 0;
  return requiresField(m, field) && (
    (imageless && field === (m.imageField ?? m.imageListField)) ||
    (mask === undefined && keyframes.length === 0 && field === m.maskField) ||
    (keyframes.length === 1 && field === m.lastFrameField));
}

describe('the fal rows of the model table against fal\'s catalogue', () => {
  it('name endpoints the catalogue has', () => {
    expect(FAL_MODELS.filter((m) => !falEndpoint(m.id)).map((m) => m.id)).toEqual([]);
    expect(FAL_MODELS.filter((m) => m.editVariant && !falEndpoint(m.editVariant)).map((m) => m.editVariant)).toEqual([]);
  });

  it.each(FAL_MODELS.filter((m) => m.media === 'image').map((m) => [m.id, m] as const))('%s: every image shape is a request fal accepts', (_, row) => {
    const shapes = imageShapes(row);
    expect(shapes.length).toBeGreaterThan(0);
    expect(shapes.flatMap(problemsOf)).toEqual([]);
  });

  it.each(FAL_MODELS.filter((m) => m.media === 'video').map((m) => [m.id, m] as const))('%s: every segment shape is a request fal accepts', (_, row) => {
    expect(videoShapes(row).flatMap(problemsOf)).toEqual([]);
  });

  it('a row whose image or last frame fal requires is one validate refuses without it', () => {
    expect(requiresField(FAL_MODELS.find((m) => m.id === 'fal-ai/nano-banana-pro/edit')!, 'image_urls')).toBe(true);
    expect(requiresField(FAL_MODELS.find((m) => m.id === 'fal-ai/veo3.1/first-last-frame-to-video')!, 'last_frame_url')).toBe(true);
    expect(requiresField(FAL_MODELS.find((m) => m.id === 'fal-ai/kling-video/v2.5-turbo/pro/image-to-video')!, 'tail_image_url')).toBe(false);
  });

  it.each(FAL_MODELS.filter((m) => m.media === 'video').map((m) => [m.id, m] as const))('%s: a segment with no duration is sent the one it is estimated with', (_, row) => {
    const input = falInput({ model: row, prompt: 'p', numImages: 1, params: {} }, { refs: [], keyframes: [url('a')] });
    const seconds = defaultDuration(row)!;
    if (row.durationFormat !== 'none') expect(Number.parseFloat(String(input.duration))).toBe(seconds);
    expect(estimateCost(row, { numImages: 1 })).toBeCloseTo(row.price.per_second! * seconds, 6);
  });

  it('sends `generate_audio: false` to every row that has it unless the segment asks (`audio: true`), priced as sent; params override it', () => {
    const sent = (row: ModelInfo, audio?: boolean, params = {}) => falInput({ model: row, prompt: 'p', numImages: 1, audio, params }, { refs: [], keyframes: [url('a')] });
    const withAudio = FAL_MODELS.filter((m) => falEndpoint(m.id)!.generate_audio);
    expect(withAudio.map((m) => m.id)).toEqual([
      'fal-ai/kling-video/v2.6/pro/image-to-video', 'fal-ai/kling-video/v3/pro/image-to-video', 'fal-ai/kling-video/v3/standard/image-to-video',
      'fal-ai/veo3/image-to-video', 'fal-ai/veo3.1/image-to-video', 'fal-ai/veo3.1/first-last-frame-to-video',
      'fal-ai/bytedance/seedance/v1.5/pro/image-to-video', 'fal-ai/ltx-2.3/image-to-video', 'fal-ai/ltx-2.3/image-to-video/fast',
    ]);
    for (const m of withAudio) {
      expect([m.id, sent(m).generate_audio, sent(m, true).generate_audio]).toEqual([m.id, false, true]);
    }
    // Every row without the field gives no choice, and is sent none.
    for (const m of FAL_MODELS.filter((r) => r.media === 'video' && !falEndpoint(r.id)!.generate_audio)) expect(m.audio).toBeUndefined();
    const veo = FAL_MODELS.find((m) => m.id === 'fal-ai/veo3.1/image-to-video')!;
    expect(estimateCost(veo, { numImages: 1, durationSeconds: 8 })).toBeCloseTo(1.6, 6);
    expect(estimateCost(veo, { numImages: 1, durationSeconds: 8, audio: true })).toBeCloseTo(3.2, 6);
    // Kling v3's price with sound is not known: unknown, never the silent price.
    expect(estimateCost(FAL_MODELS.find((m) => m.id === 'fal-ai/kling-video/v3/pro/image-to-video')!, { numImages: 1, audio: true })).toBeUndefined();
    expect(sent(FAL_MODELS.find((m) => m.id === 'fal-ai/kling-video/v2.6/pro/image-to-video')!, undefined, { generate_audio: true }).generate_audio).toBe(true);
  });

  it("sends a video model outside the table a segment's aspect ratio only as its catalogued input takes it", () => {
    const ratioSent = (id: string) => falInput({ model: lookupModel(id, 'video')!.info, prompt: 'p', numImages: 1, aspectRatio: '3:2', params: {} }, { refs: [], keyframes: [url('a')] }).aspect_ratio;
    expect(ratioSent('fal-ai/bytedance/seedance/v1/pro/image-to-video')).toBe('4:3');
    expect(falEndpoint('fal-ai/wan-25-preview/image-to-video')!.aspect_ratio).toBeUndefined();
    expect(ratioSent('fal-ai/wan-25-preview/image-to-video')).toBeUndefined();
    // Published after the catalogue: a common ratio, as before.
    expect(ratioSent('fal-ai/brand-new-video')).toBe('3:2');
  });

  // Outside the table, a catalogued model is read from its own input type (fal/generic-row.ts).
  const untabled = (suffix: RegExp) => FAL_CATALOGUE.ids().filter((id) => suffix.test(id) && !FAL_MODELS.some((m) => m.id === id));

  it('maps both frames of every catalogued first+last-frame model outside the table, by its own field names', () => {
    const two = untabled(/image-to-video$/).map((id) => lookupModel(id, 'video')!.info).filter((m) => m.lastFrameField);
    expect(two.length).toBeGreaterThan(10);
    for (const m of two) {
      const input = falInput({ model: m, prompt: 'p', numImages: 1, params: {} }, { refs: [], keyframes: [url('first'), url('last')] });
      expect([m.id, input[m.imageField!], input[m.lastFrameField!]]).toEqual([m.id, url('first'), url('last')]);
    }
    const seedance = lookupModel('fal-ai/bytedance/seedance/v1/pro/image-to-video', 'video')!.info;
    expect([seedance.imageField, seedance.lastFrameField]).toEqual(['image_url', 'end_image_url']);
  });

  it('every segment shape of every catalogued image-to-video model outside the table is a request fal accepts', () => {
    const rows = untabled(/image-to-video$/).map((id) => lookupModel(id, 'video')!.info).filter((m) => m.imageField);
    expect(rows.length).toBeGreaterThan(40);
    // Required fields beyond prompt, frames and duration (an avatar id, an audio track) are the user's `params`.
    const ours = (m: ModelInfo) => new Set(['prompt', m.imageField, m.lastFrameField, 'duration']);
    const problems = rows.flatMap((m) => videoShapes(m).flatMap((shape) => {
      const input = falInput(shape.req, shape.urls);
      return inputProblems(falEndpoint(m.id)!, input)
        .filter((p) => !(p.type === 'missing' && (!ours(m).has(p.field) || refusedByValidate(shape, p.field))))
        .map((p) => `${m.id} ${shape.name}: ${p.field} ${p.type}`);
    }));
    expect(problems).toEqual([]);
  });

  it('sends image-to-image a strength of 0.75 so a chained frame keeps its composition; params override it', () => {
    const row = FAL_MODELS.find((m) => m.id === 'fal-ai/flux/dev/image-to-image')!;
    const sent = (params = {}) => falInput({ model: row, prompt: 'p', numImages: 1, params }, { refs: [], keyframes: [], input: url('in') }).strength;
    expect(sent()).toBe(0.75);
    expect(sent({ strength: 0.9 })).toBe(0.9);
  });
});
