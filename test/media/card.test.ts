import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { animaticFrames, frameCount } from '../../src/media/animatic.js';
import { escapeXml, renderCard, wrapText } from '../../src/media/card.js';
import { makeImage } from '../support/images.js';

describe('wrapText', () => {
  it('wraps on words within the width', () => {
    expect(wrapText('a woman in a red dress on a cliff', 12, 5)).toEqual(['a woman in a', 'red dress on', 'a cliff']);
  });

  it('ends with an ellipsis when lines run out, and clips overlong words', () => {
    expect(wrapText('one two three four five six', 9, 2)).toEqual(['one two', 'three …']);
    expect(wrapText('supercalifragilistic', 8, 2)).toEqual(['superca…']);
    expect(wrapText('anything', 0, 3)).toEqual([]);
  });
});

describe('escapeXml', () => {
  it('keeps prompts with markup characters from breaking the SVG', async () => {
    expect(escapeXml(`<b>"rock" & 'roll'</b>\u0001`)).toBe('&#60;b&#62;&#34;rock&#34; &#38; &#39;roll&#39;&#60;/b&#62;');
    const png = await renderCard({ width: 200, height: 100, hash: 'ab'.repeat(32), title: '<x>', text: 'a & b </svg>', footer: '"', thumbs: [] });
    expect(await sharp(png).metadata()).toMatchObject({ width: 200, height: 100 });
  });
});

describe('animaticFrames', () => {
  it('gives duration x fps frames of the size asked, a single keyframe still moving', async () => {
    const frames: Buffer[] = [];
    const keyframe = await makeImage({ width: 100, height: 60, noise: true });
    for await (const f of animaticFrames({ keyframes: [keyframe], width: 64, height: 40, duration: 0.5, fps: 24 })) frames.push(f);
    expect(frames).toHaveLength(12);
    expect(frames.every((f) => f.length === 64 * 40 * 3)).toBe(true);
    expect(frames[0]!.equals(frames[11]!)).toBe(false);
    expect(frameCount(0.01, 24)).toBe(1);
  });

  it("keeps the keyframe's top-left corner in shot to the last frame: a draft card's name is written there", async () => {
    // Black, with a white mark hugging the top-left corner as a card's title does.
    const keyframe = await sharp({ create: { width: 100, height: 62, channels: 3, background: '#000' } })
      .composite([{ input: { create: { width: 4, height: 4, channels: 3, background: '#fff' } }, left: 1, top: 1 }])
      .png()
      .toBuffer();
    const frames: Buffer[] = [];
    for await (const f of animaticFrames({ keyframes: [keyframe], width: 64, height: 40, duration: 0.25, fps: 24 })) frames.push(f);
    const last = frames[frames.length - 1]!;
    const at = (x: number, y: number) => last[(y * 64 + x) * 3]!;
    expect(at(1, 1)).toBeGreaterThan(200);
    expect(at(2, 2)).toBeGreaterThan(200);
  });
});
